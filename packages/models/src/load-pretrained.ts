/**
 * `from_pretrained` for our model classes, following transformers 4.38's
 * `_load_pretrained_model`: legacy `gamma`/`beta` names, base-model prefix
 * added or removed, weights missing from the checkpoint initialised and
 * reported, unexpected ones reported, shape mismatches an error unless
 * `ignoreMismatchedSizes`, all with Python's message text.
 */
import { BertConfig } from './bert/config.js';
import { MAX_JSON_FILE_BYTES, readBoundedText } from './bounded-json-file.js';
import { DistilBertConfig } from './distilbert/config.js';
import { describeValue } from './describe-value.js';
import { jsonNestingDepth, MAX_CONFIG_JSON_DEPTH } from './json-depth.js';
import { CheckpointError, ConfigError } from './errors.js';
import { type FileResolver, type ModelFileOptions, modelFileResolver } from './model-files.js';
import type { WeightSource } from './parameter-registry.js';
import { modelParameterShapes } from './parameter-shapes.js';
import type { PretrainedConfig, ProblemType } from './pretrained-config.js';
import type { LoadingInfo, ModelInitOptions, PreTrainedModel } from './pretrained-model.js';
import { pythonListRepr, torchSizeRepr } from './python-repr.js';
import { entryToFloat32, readSafetensors, type SafetensorsEntry } from './safetensors.js';
import { checkFromPretrainedOptions } from './pretrained-option-names.js';

/**
 * Number format of the Linear weights for inference: `'bf16'` rounds them to bfloat16 (nearest
 * even, as torch's `.to(torch.bfloat16)`) and lets backends with fused inference kernels stream
 * them as bf16 (half the bytes), accumulating in float32.
 */
export type WeightDtype = 'float32' | 'bf16';

/** Every {@link WeightDtype}, for validating user input. */
export const WEIGHT_DTYPES: readonly WeightDtype[] = ['float32', 'bf16'];

/** Where `fromPretrained` sends transformers' log messages. */
export interface LoadLogger {
  warn(message: string): void;
  info?(message: string): void;
}

/** Options of `fromPretrained`, camelCase twins of the Python kwargs. */
export interface FromPretrainedOptions extends ModelFileOptions {
  /** Replace the label names (e.g. a new tag set); the head is re-initialised if its size changes. */
  readonly id2label?: Record<number | string, string>;
  readonly label2id?: Record<string, number>;
  /** Number of labels (`LABEL_0…`); conflicts with an `id2label` of another size. */
  readonly numLabels?: number;
  readonly problemType?: ProblemType;
  /** Re-initialise weights whose shape differs from the checkpoint instead of throwing. */
  readonly ignoreMismatchedSizes?: boolean;
  /** Seed for initialising weights the checkpoint lacks, and for dropout. Default 42. */
  readonly seed?: number;
  /** Defaults to `console.warn` for warnings; info messages are dropped unless `info` is given. */
  readonly logger?: LoadLogger;
  /** Use this config instead of the checkpoint's config.json. */
  readonly config?: PretrainedConfig;
  /**
   * `'bf16'`: Linear weights rounded to bfloat16 and read as bf16 by the backend's fused inference
   * kernels (Python's `torch_dtype=torch.bfloat16` for the products, with float32 accumulation,
   * biases and LayerNorm). Default `'float32'`. See `PreTrainedModel.useBf16Weights`.
   */
  readonly dtype?: WeightDtype;
}

/** What the loader needs to know about a model class. */
export interface ModelClassSpec<M extends PreTrainedModel> {
  readonly className: string;
  readonly modelType: 'bert' | 'distilbert';
  /** `base_model_prefix`: "bert" or "distilbert". */
  readonly baseModelPrefix: string;
  /** True for heads (weights under `bert.`), false for the bare encoders. */
  readonly expectsPrefix: boolean;
  /** Non-persistent buffers (`embeddings.position_ids`…) that old checkpoints still contain. */
  readonly buffers: readonly string[];
  /** `_keys_to_ignore_on_load_unexpected` patterns. */
  readonly ignoreUnexpected: readonly RegExp[];
  create(config: PretrainedConfig, options: ModelInitOptions): M;
}

/** Reads config.json and picks the config class from `model_type`. */
export function configFromDict(raw: unknown, source: string): BertConfig | DistilBertConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${source}: expected a JSON object.`);
  }
  const dict = raw as Record<string, unknown>;
  switch (dict.model_type) {
    case 'bert':
      return BertConfig.fromDict(dict, source);
    case 'distilbert':
      return DistilBertConfig.fromDict(dict, source);
    default:
      throw new ConfigError(
        typeof dict.model_type === 'string' || dict.model_type === undefined
          ? `${source}: model_type ${describeValue(dict.model_type)} is not supported; @ner/models implements "bert" and "distilbert".`
          : `${source}: "model_type" must be a string, got ${describeValue(dict.model_type)}; @ner/models implements "bert" and "distilbert".`,
      );
  }
}

/** Loads and parses config.json from a resolver. */
export async function loadConfigFile(
  resolveFile: FileResolver,
  pathOrId: string,
): Promise<BertConfig | DistilBertConfig> {
  const path = await resolveFile('config.json');
  if (!path) throw new ConfigError(`${pathOrId} does not contain a config.json.`);
  const tooLarge = (size: string) =>
    new ConfigError(`${path}: config.json is ${size}, above the ${MAX_JSON_FILE_BYTES}-byte limit.`);
  let text: string;
  try {
    text = await readBoundedText(path, tooLarge);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${path}: cannot be read (${(error as Error).message}).`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON (${(error as Error).message}).`);
  }
  const depth = jsonNestingDepth(text);
  if (depth > MAX_CONFIG_JSON_DEPTH) {
    throw new ConfigError(
      `${path}: JSON nested ${depth} levels deep; a config.json nests a few (limit ${MAX_CONFIG_JSON_DEPTH}).`,
    );
  }
  const config = configFromDict(raw, path);
  config.nameOrPath = pathOrId;
  return config;
}

/** Applies `id2label` / `label2id` / `numLabels` / `problemType` like `from_pretrained(**kwargs)`. */
export function applyConfigOverrides(config: PretrainedConfig, options: FromPretrainedOptions): void {
  if (options.numLabels !== undefined && options.id2label !== undefined) {
    if (Object.keys(options.id2label).length !== options.numLabels) {
      throw new ConfigError(
        `You passed along \`num_labels=${options.numLabels}\` with an incompatible id to label map: ` +
          `${describeValue(options.id2label, 10_000)}. Since those arguments can contradict each other, you should pass only one of them.`,
      );
    }
  }
  if (options.numLabels !== undefined) config.numLabels = options.numLabels;
  if (options.id2label !== undefined) config.setId2Label(options.id2label, options.label2id ?? null);
  else if (options.label2id !== undefined) config.label2id = { ...options.label2id };
  if (options.problemType !== undefined) config.problemType = options.problemType;
}

const CONVERT_HINT =
  'Convert it once in Python (use the Auto class of your task): ' +
  '`from transformers import AutoModelForTokenClassification as M; ' +
  'M.from_pretrained(path).save_pretrained(path, safe_serialization=True)`, ' +
  'or use the "Convert to Safetensors" Space on the Hub, then load the folder again.';

/**
 * Reads every tensor of the checkpoint (single file or index + shards); `owner`
 * says which file holds each tensor, for error messages.
 */
async function readCheckpoint(
  resolveFile: FileResolver,
  pathOrId: string,
): Promise<{ tensors: Map<string, SafetensorsEntry>; files: string[]; owner: Map<string, string> }> {
  const single = await resolveFile('model.safetensors');
  if (single) {
    const file = await readSafetensors(single);
    const owner = new Map([...file.tensors.keys()].map((name) => [name, single]));
    return { tensors: new Map(file.tensors), files: [single], owner };
  }
  const indexPath = await resolveFile('model.safetensors.index.json');
  if (indexPath) {
    let index: { weight_map?: Record<string, string> };
    const tooLarge = (size: string) =>
      new CheckpointError(`${indexPath}: the index is ${size}, above the ${MAX_JSON_FILE_BYTES}-byte limit.`);
    try {
      index = JSON.parse(await readBoundedText(indexPath, tooLarge));
    } catch (error) {
      if (error instanceof CheckpointError) throw error;
      throw new CheckpointError(`${indexPath}: not valid JSON (${(error as Error).message}).`);
    }
    if (!index || typeof index !== 'object' || !index.weight_map || typeof index.weight_map !== 'object') {
      throw new CheckpointError(`${indexPath}: missing "weight_map".`);
    }
    const tensors = new Map<string, SafetensorsEntry>();
    const owner = new Map<string, string>();
    const files: string[] = [];
    for (const shard of new Set(Object.values(index.weight_map))) {
      if (typeof shard !== 'string' || shard.includes('/') || shard.includes('\\') || shard.startsWith('.')) {
        throw new CheckpointError(
          `${indexPath}: weight_map names shard ${describeValue(shard)}, expected a plain file name.`,
        );
      }
      const shardPath = await resolveFile(shard);
      if (!shardPath) throw new CheckpointError(`${indexPath} lists shard ${shard}, which is missing.`);
      const file = await readSafetensors(shardPath);
      for (const [name, entry] of file.tensors) {
        // A tensor stored in two shards would otherwise load from whichever shard came last.
        const first = owner.get(name);
        if (first !== undefined) {
          throw new CheckpointError(
            `${indexPath}: tensor "${name}" is stored in two shards, ${first} and ${shardPath}; ` +
              'each tensor must appear in exactly one.',
          );
        }
        owner.set(name, shardPath);
        tensors.set(name, entry);
      }
      files.push(shardPath);
    }
    return { tensors, files, owner };
  }
  for (const legacy of [
    'pytorch_model.bin',
    'pytorch_model.bin.index.json',
    'tf_model.h5',
    'flax_model.msgpack',
  ]) {
    if (await resolveFile(legacy)) {
      throw new CheckpointError(
        `${pathOrId} has ${legacy} but no model.safetensors. @ner/models reads only safetensors ` +
          `(PyTorch pickles can run arbitrary code and need torch to decode). ${CONVERT_HINT}`,
      );
    }
  }
  throw new CheckpointError(`${pathOrId} has no model.safetensors (nor model.safetensors.index.json).`);
}

/** transformers' `_fix_key`: TF-era LayerNorm names `gamma`/`beta` become `weight`/`bias`. */
export function fixLegacyKey(key: string): string {
  if (key.includes('beta')) return key.replaceAll('beta', 'bias');
  if (key.includes('gamma')) return key.replaceAll('gamma', 'weight');
  return key;
}

function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, i) => dim === b[i]);
}

/** Python's `Error(s) in loading state_dict` for shape mismatches, in module order, plus the checkpoint files. */
function sizeMismatchError(
  className: string,
  mismatched: readonly [string, number[], number[]][],
  files: readonly string[],
): CheckpointError {
  const lines = mismatched.map(
    ([key, found, expected]) =>
      `\tsize mismatch for ${key}: copying a param with shape ${torchSizeRepr(found)} from checkpoint, ` +
      `the shape in current model is ${torchSizeRepr(expected)}.`,
  );
  return new CheckpointError(
    `Error(s) in loading state_dict for ${className}:\n${lines.join('\n')}\n` +
      '\tYou may consider adding `ignoreMismatchedSizes: true` (Python: `ignore_mismatched_sizes=True`) in the model `fromPretrained` options.\n' +
      `\tCheckpoint: ${files.join(', ')}`,
  );
}

/** Builds a model of `spec` from a folder or Hub id. */
export async function loadPretrained<M extends PreTrainedModel>(
  spec: ModelClassSpec<M>,
  pathOrId: string,
  options: FromPretrainedOptions = {},
): Promise<M> {
  checkFromPretrainedOptions(options, pathOrId);
  if (options.dtype !== undefined && !WEIGHT_DTYPES.includes(options.dtype))
    throw new ConfigError(
      `fromPretrained(${pathOrId}): dtype ${describeValue(options.dtype)} is not supported (use "float32" or "bf16").`,
    );
  const resolveFile = await modelFileResolver(pathOrId, options);
  const config = options.config ?? (await loadConfigFile(resolveFile, pathOrId));
  if (config.modelType !== spec.modelType) {
    throw new ConfigError(
      `${pathOrId} is a "${config.modelType}" checkpoint; ${spec.className} needs model_type "${spec.modelType}" ` +
        '(use the Auto classes to dispatch on model_type).',
    );
  }
  applyConfigOverrides(config, options);
  // Sizes are bounded before anything is read or allocated (overrides may have changed the labels).
  config.validate(config.nameOrPath ? `config.json of ${config.nameOrPath}` : 'config');
  const { tensors: raw, files, owner } = await readCheckpoint(resolveFile, pathOrId);

  const checkpoint = new Map<string, SafetensorsEntry>();
  // The file each (renamed) tensor came from, so a tensor that cannot be converted names its file.
  const fileOf = new Map<string, string>();
  for (const [key, entry] of raw) {
    const fixed = fixLegacyKey(key);
    checkpoint.set(fixed, entry);
    fileOf.set(fixed, owner.get(key)!);
  }
  const loadedKeys = [...checkpoint.keys()];
  const prefix = spec.baseModelPrefix;
  const hasPrefixModule = loadedKeys.some((key) => key.startsWith(prefix));
  const removePrefixFromModel = !hasPrefixModule && spec.expectsPrefix;
  const addPrefixToModel = hasPrefixModule && !spec.expectsPrefix;
  const dotted = `${prefix}.`;
  // Model name -> the name it has in the checkpoint (and in Python's messages).
  const toCheckpointKey = (name: string): string => {
    if (removePrefixFromModel) return name.startsWith(dotted) ? name.slice(dotted.length) : name;
    if (addPrefixToModel) return `${dotted}${name}`;
    return name;
  };

  // Compare the checkpoint header with the model's shapes before any weight is allocated or initialised:
  // a config claiming a 3e7-row vocabulary must not cost gigabytes to find out it is wrong.
  const expectedShapes = modelParameterShapes(spec.className, config as BertConfig | DistilBertConfig);
  if (expectedShapes && !options.ignoreMismatchedSizes) {
    const early: [string, number[], number[]][] = [];
    for (const [name, shape] of expectedShapes) {
      const key = toCheckpointKey(name);
      const entry = checkpoint.get(key);
      if (entry && !shapesEqual(entry.shape, shape)) early.push([key, [...entry.shape], shape]);
    }
    if (early.length > 0) throw sizeMismatchError(spec.className, early, files);
  }

  const used = new Set<string>();
  const missing: string[] = [];
  const mismatched: [string, number[], number[]][] = [];
  const source: WeightSource = (name, shape) => {
    const key = toCheckpointKey(name);
    const entry = checkpoint.get(key);
    if (!entry) {
      missing.push(key);
      return undefined;
    }
    used.add(key);
    if (!shapesEqual(entry.shape, shape)) {
      mismatched.push([key, [...entry.shape], [...shape]]);
      return undefined;
    }
    return entryToFloat32(entry, key, fileOf.get(key));
  };
  const model = spec.create(config, { seed: options.seed ?? 42, weightSource: source });

  if (mismatched.length > 0 && !options.ignoreMismatchedSizes) {
    model.dispose();
    throw sizeMismatchError(spec.className, mismatched, files);
  }
  if (options.dtype === 'bf16') model.useBf16Weights();

  const buffers = new Set(
    spec.buffers.map((buffer) => {
      const modelName = spec.expectsPrefix ? `${dotted}${buffer}` : buffer;
      return toCheckpointKey(modelName);
    }),
  );
  const unexpected = loadedKeys
    .filter((key) => !used.has(key) && !buffers.has(key))
    .filter((key) => !spec.ignoreUnexpected.some((pattern) => pattern.test(key)))
    .sort();
  missing.sort();

  // Python lists re-initialised weights in checkpoint order (the error above follows module order, as torch does).
  const checkpointOrder = new Map(loadedKeys.map((key, index) => [key, index]));
  mismatched.sort((a, b) => checkpointOrder.get(a[0])! - checkpointOrder.get(b[0])!);
  const name = spec.className;
  const warnings: string[] = [];
  const infos: string[] = [];
  if (unexpected.length > 0) {
    const message =
      `Some weights of the model checkpoint at ${pathOrId} were not used when initializing ${name}: ` +
      `${pythonListRepr(unexpected)}\n- This IS expected if you are initializing ${name} from the checkpoint of a model ` +
      'trained on another task or with another architecture (e.g. initializing a BertForSequenceClassification model ' +
      `from a BertForPreTraining model).\n- This IS NOT expected if you are initializing ${name} from the checkpoint of ` +
      'a model that you expect to be exactly identical (initializing a BertForSequenceClassification model from a ' +
      'BertForSequenceClassification model).';
    // Python warns only when the checkpoint was saved from this very class; otherwise it logs at info level.
    (config.architectures?.includes(name) ? warnings : infos).push(message);
  }
  if (missing.length > 0) {
    warnings.push(
      `Some weights of ${name} were not initialized from the model checkpoint at ${pathOrId} and are newly initialized: ` +
        `${pythonListRepr(missing)}\nYou should probably TRAIN this model on a down-stream task to be able to use it ` +
        'for predictions and inference.',
    );
  }
  if (mismatched.length > 0) {
    const lines = mismatched.map(
      ([key, found, expected]) =>
        `- ${key}: found shape ${torchSizeRepr(found)} in the checkpoint and ${torchSizeRepr(expected)} in the model instantiated`,
    );
    warnings.push(
      `Some weights of ${name} were not initialized from the model checkpoint at ${pathOrId} and are newly initialized ` +
        `because the shapes did not match:\n${lines.join('\n')}\nYou should probably TRAIN this model on a down-stream ` +
        'task to be able to use it for predictions and inference.',
    );
  }
  const logger = options.logger ?? { warn: (message: string) => console.warn(message) };
  for (const message of warnings) logger.warn(message);
  for (const message of infos) logger.info?.(message);
  const info: LoadingInfo = {
    missingKeys: missing,
    unexpectedKeys: unexpected,
    mismatchedKeys: mismatched,
    warnings,
    infos,
  };
  model.loadingInfo = info;
  return model;
}
