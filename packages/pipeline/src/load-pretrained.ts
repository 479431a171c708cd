import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@ner/align';
import {
  type AnyConfig,
  AutoConfig,
  AutoModelForSequenceClassification,
  AutoModelForTokenClassification,
  initBackend,
} from '@ner/models';
import { PipelineError, PipelineModelError } from './errors.js';
import { fromNerModel, isNerModel } from './models-adapter.js';
import type { PipelineModel, PipelineTokenizer } from './pipeline-interfaces.js';

/** Options passed through to the Hub download when `model` is a Hub id. */
export interface PretrainedLoadOptions {
  revision?: string;
  cacheDir?: string;
  localFilesOnly?: boolean;
  /**
   * `'bf16'`: the model's Linear weights rounded to bfloat16 and read as bf16 by the backend's
   * fused inference kernels (float32 accumulation), as `fromPretrained(..., { dtype })` of
   * `@ner/models`; about half the bytes per sentence on the `native` backend. Default `'float32'`.
   * Only for a model loaded from a folder or Hub id.
   */
  dtype?: 'float32' | 'bf16';
}

function isPipelineModel(value: object): value is PipelineModel {
  return (
    typeof (value as PipelineModel).predict === 'function' &&
    typeof (value as PipelineModel).config === 'object'
  );
}

function isPipelineTokenizer(value: object): value is PipelineTokenizer {
  const candidate = value as PipelineTokenizer;
  return (
    typeof candidate.encode === 'function' &&
    typeof candidate.convertTokensToString === 'function' &&
    typeof candidate.padTokenId === 'number'
  );
}

/** Wraps an already-loaded model (`@ner/models` or a {@link PipelineModel}) into the shape the pipeline uses. */
export function toPipelineModel(value: object): PipelineModel {
  if (isPipelineModel(value)) return value;
  if (isNerModel(value)) return fromNerModel(value);
  throw new PipelineError(
    '`model` is neither a folder/Hub id nor a loaded model with a config and forward().',
  );
}

/** An `@ner/align` `Tokenizer` (or any {@link PipelineTokenizer}) as given, or an error saying what is missing. */
export function toPipelineTokenizer(value: object): PipelineTokenizer {
  if (isPipelineTokenizer(value)) return value;
  throw new PipelineError(
    '`tokenizer` is neither a folder/Hub id nor a loaded tokenizer (an @ner/align Tokenizer, or an object with encode(), convertTokensToString() and padTokenId).',
  );
}

function hubOptions(options: PretrainedLoadOptions) {
  return {
    ...(options.revision === undefined ? {} : { revision: options.revision }),
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    ...(options.localFilesOnly === undefined ? {} : { localFilesOnly: options.localFilesOnly }),
  };
}

/** Whether `path` names a local folder (as opposed to a Hub id). */
function looksLikePath(idOrPath: string): boolean {
  return existsSync(idOrPath) || /^[./~]|\\/.test(idOrPath) || idOrPath.split('/').length > 2;
}

/** A local model path must be a folder with config.json; said in plain words before anything is parsed. */
function checkModelFolder(folder: string): void {
  if (!existsSync(folder)) {
    throw new PipelineModelError(
      `Model folder not found: ${folder} (expected a folder with config.json and model.safetensors).`,
    );
  }
  if (!statSync(folder).isDirectory()) throw new PipelineModelError(`Model path is not a folder: ${folder}`);
  if (!existsSync(join(folder, 'config.json'))) {
    throw new PipelineModelError(
      `No config.json in model folder ${folder}: is this a saved model (save_pretrained)?`,
    );
  }
}

/**
 * A token classifier must name its classes. `@ner/models` gives a config
 * without `id2label` Python's placeholder names `LABEL_0`, `LABEL_1`; the
 * pipeline refuses those instead of reporting entities called `LABEL_1`.
 */
function requireLabelNames(config: AnyConfig, idOrPath: string): void {
  const labels = Object.entries(config.id2label);
  if (labels.length === 0 || labels.every(([id, label]) => label === `LABEL_${id}`)) {
    throw new PipelineModelError(
      `${join(idOrPath, 'config.json')} has no id2label, so predictions cannot be named. ` +
        'Add "id2label": {"0": "O", "1": "B-PER", ...} (and label2id) to config.json.',
    );
  }
}

/**
 * Loads a model (through `@ner/models`, after picking the best tfjs backend)
 * from a local folder or a Hub id. `config.json` is read once, by
 * `AutoConfig.fromPretrained`, and handed to the model class; a missing folder
 * or `config.json`, or (for token classification) a missing `id2label`, is
 * reported in plain words before any weight is read.
 */
export async function loadPretrainedModel(
  idOrPath: string,
  task: 'token' | 'sequence',
  options: PretrainedLoadOptions = {},
): Promise<PipelineModel> {
  if (looksLikePath(idOrPath)) checkModelFolder(idOrPath);
  const hub = hubOptions(options);
  const config = await AutoConfig.fromPretrained(idOrPath, hub);
  if (task === 'token') requireLabelNames(config, idOrPath);
  // Picks (once per process) and prints the best installed tfjs backend; NER_BACKEND forces one.
  await initBackend();
  const Auto = task === 'token' ? AutoModelForTokenClassification : AutoModelForSequenceClassification;
  const dtype = options.dtype === undefined ? {} : { dtype: options.dtype };
  return fromNerModel(await Auto.fromPretrained(idOrPath, { ...hub, config, ...dtype }));
}

/**
 * Loads the tokenizer saved with a model (folder or Hub id): `@ner/align`'s
 * `Tokenizer.fromPretrained`, which reads tokenizer.json (or vocab.txt),
 * tokenizer_config.json and special_tokens_map.json once each.
 */
export async function loadPretrainedTokenizer(
  idOrPath: string,
  options: PretrainedLoadOptions = {},
): Promise<Tokenizer> {
  if (
    existsSync(idOrPath) &&
    !existsSync(join(idOrPath, 'tokenizer.json')) &&
    !existsSync(join(idOrPath, 'vocab.txt'))
  ) {
    throw new PipelineModelError(
      `No tokenizer.json or vocab.txt in ${idOrPath}: save the tokenizer with the model (tokenizer.savePretrained / save_pretrained) or pass \`tokenizer\`.`,
    );
  }
  return Tokenizer.fromPretrained(idOrPath, hubOptions(options));
}
