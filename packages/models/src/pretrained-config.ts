/**
 * What BertConfig and DistilBertConfig share with transformers'
 * `PretrainedConfig`: labels (id2label with integer ids, label2id,
 * num_labels derived), problem_type, architectures, and the rules
 * `save_pretrained` follows to decide which fields reach config.json.
 */
import { type FieldSpec, checkField, readField, readInteger } from './config-fields.js';
import { isDefaultLabels, label2idMismatch, warnOnce } from './config-labels.js';
import { CONFIG_LIMITS, checkIntegerRange, checkParameterCount } from './config-limits.js';
import { describeValue } from './describe-value.js';
import { ConfigError } from './errors.js';
import { assertOptionNames, type ListIsWhole, type UnlistedOptions } from './option-names.js';
import { PyFloat, PyIntKeyDict, pythonJsonDumps } from './python-json.js';

/** `problem_type` values transformers understands. */
export type ProblemType = 'regression' | 'single_label_classification' | 'multi_label_classification';

const PROBLEM_TYPES: readonly ProblemType[] = [
  'regression',
  'single_label_classification',
  'multi_label_classification',
];

/** The transformers release whose config.json layout we follow; written as `transformers_version`. */
export const TRANSFORMERS_VERSION = '4.38.0';

/** `problem_type` values as an error message lists them. */
const PROBLEM_TYPE_LIST = PROBLEM_TYPES.map((t) => `"${t}"`).join(', ');

/**
 * id2label with integer keys, like Python's `{int(key): value}`; refuses keys
 * that are not integer ids and labels that are not strings.
 * @param source names the file in error messages; left out for labels passed in code
 */
function parseId2Label(id2label: Record<number | string, unknown>, source?: string): Record<number, string> {
  const where = source === undefined ? '' : `${source}: `;
  const out: Record<number, string> = {};
  for (const [key, value] of Object.entries(id2label)) {
    const id = Number(key);
    if (!Number.isInteger(id) || String(id) !== key.trim()) {
      throw new ConfigError(`${where}id2label key ${describeValue(key)} is not an integer id.`);
    }
    if (typeof value !== 'string') {
      throw new ConfigError(`${where}id2label[${key}] must be a string label, got ${describeValue(value)}.`);
    }
    out[id] = value;
  }
  return out;
}

/** Options every config accepts (camelCase twins of the Python kwargs). */
export interface PretrainedConfigOptions {
  architectures?: string[] | null;
  /** Label names by id; keys may be numbers or numeric strings (as in config.json). */
  id2label?: Record<number | string, string> | null;
  label2id?: Record<string, number> | null;
  /** Creates `LABEL_0..LABEL_{n-1}` when `id2label` is not given (Python's default is 2). */
  numLabels?: number;
  problemType?: ProblemType | null;
  padTokenId?: number | null;
  outputHiddenStates?: boolean;
  outputAttentions?: boolean;
  torchDtype?: string | null;
  transformersVersion?: string | null;
  /** `_name_or_path`: where the model came from; `save_pretrained` writes it. */
  nameOrPath?: string;
}

/** Every option of {@link PretrainedConfigOptions}, which a config constructor checks names against. */
const COMMON_OPTION_NAMES = [
  'architectures',
  'id2label',
  'label2id',
  'numLabels',
  'problemType',
  'padTokenId',
  'outputHiddenStates',
  'outputAttentions',
  'torchDtype',
  'transformersVersion',
  'nameOrPath',
] as const satisfies readonly (keyof PretrainedConfigOptions)[];

/** A compile error here names an option to add to COMMON_OPTION_NAMES. */
export const configOptionNamesAreWhole: ListIsWhole<
  UnlistedOptions<PretrainedConfigOptions, typeof COMMON_OPTION_NAMES>
> = true;

const EXTRA_HINT = 'a key of your own goes in config.extra, which config.json keeps';

/** Keys `PretrainedConfig` handles itself; everything else unknown is kept verbatim in `extra`. */
const COMMON_KEYS = new Set([
  'architectures',
  'id2label',
  'label2id',
  'num_labels',
  'problem_type',
  'pad_token_id',
  'output_hidden_states',
  'output_attentions',
  'torch_dtype',
  'transformers_version',
  '_name_or_path',
  'model_type',
]);

/**
 * transformers' `PretrainedConfig`: the fields every model config shares (labels, problem type,
 * pad id, output switches, unknown keys kept for a lossless round trip), reading and writing
 * `config.json` byte for byte as Python does. `BertConfig` and `DistilBertConfig` add their fields.
 */
export abstract class PretrainedConfig {
  /** `model_type` in config.json. */
  abstract readonly modelType: string;
  architectures: string[] | null = null;
  /** Label names keyed by integer id (Python converts config.json's string keys to int). */
  id2label: Record<number, string> = { 0: 'LABEL_0', 1: 'LABEL_1' };
  label2id: Record<string, number> = { LABEL_0: 0, LABEL_1: 1 };
  problemType: ProblemType | null = null;
  padTokenId: number | null = 0;
  outputHiddenStates = false;
  outputAttentions = false;
  torchDtype: string | null = null;
  /** The `transformers_version` read from config.json (saving writes `TRANSFORMERS_VERSION`, as Python writes its own). */
  transformersVersion: string | null = null;
  nameOrPath = '';
  /** Unknown config.json keys, kept so a load/save round trip loses nothing. */
  extra: Record<string, unknown> = {};

  /** Rows of the token embedding table; `pad_token_id` must be one of them. */
  abstract vocabSize: number;

  /**
   * Checks every field before a model is built from this config (Python
   * raises `ValueError` for some of these at model init; we check all of them
   * up front): each model-specific field against its table row (sizes within
   * `CONFIG_LIMITS`, dropout probabilities in [0, 1), ranges, activation
   * names), then the subclass's own rules (`validateModel`), the labels and
   * `pad_token_id` (`validateCommon`), and the whole model under
   * `CONFIG_LIMITS.maxParameters` weights. `fromDict` calls it with the file
   * path; the encoders call it again before allocating anything.
   * @param source names the file (or "config") in error messages
   * @throws ConfigError naming the file and field
   */
  validate(source = 'config'): void {
    const self = this as unknown as Record<string, unknown>;
    for (const spec of this.fieldSpecs()) checkField(source, spec, self[spec.prop]);
    this.validateModel(source);
    this.validateCommon(source, this.vocabSize);
    const { count, drivers } = this.parameterCount();
    const specs = this.fieldSpecs();
    const values = drivers.map((json) => `${json} ${self[specs.find((spec) => spec.json === json)!.prop]}`);
    checkParameterCount(source, count, values.join(', '));
  }

  /** Rules between fields that the table cannot say (the hidden size divides into the heads...). */
  protected abstract validateModel(source: string): void;

  /**
   * Weights of the encoder and its largest head, from the config alone, and
   * the JSON names of the fields that drive the count (named in the error).
   */
  protected abstract parameterCount(): { count: number; drivers: readonly string[] };

  /** @internal Model-specific fields (written to config.json always, as Python's `to_diff_dict` does). */
  protected abstract fieldSpecs(): readonly FieldSpec[];

  /**
   * Applies camelCase constructor options: the common ones, then the model's own fields. Subclasses
   * call it from their constructors (after their field defaults are set).
   */
  protected applyOptions(options: object): void {
    const kind = this.constructor.name;
    // Python takes unknown keyword arguments as extra attributes; here a name the config does not
    // have is more often Python's spelling (num_labels) or a typo, which would build the default
    // model without a word. Keys of one's own go in `extra`, which config.json keeps.
    assertOptionNames(
      options,
      { known: [...COMMON_OPTION_NAMES, ...this.fieldSpecs().map((spec) => spec.prop)], hint: EXTRA_HINT },
      (name, problem) => new ConfigError(`${kind}: ${name ? `${name}: ` : ''}${problem}`),
    );
    this.applyCommon(options as PretrainedConfigOptions);
    const self = this as unknown as Record<string, unknown>;
    for (const spec of this.fieldSpecs()) {
      const value = (options as Record<string, unknown>)[spec.prop];
      if (value !== undefined) self[spec.prop] = value;
    }
  }

  /** Builds a config from a parsed config.json object and validates it; `source` names the file in errors. */
  static fromDict<T extends PretrainedConfig>(
    this: new () => T,
    raw: Record<string, unknown>,
    source = 'config.json',
  ): T {
    const config = new this();
    const common = config.readCommon(source, raw);
    const fields = config.readFields(source, raw);
    config.applyCommon(common);
    Object.assign(config, fields);
    config.validate(source);
    return config;
  }

  /** Applies the common options; subclasses call this from their constructors. */
  protected applyCommon(options: PretrainedConfigOptions): void {
    if (options.architectures !== undefined) this.architectures = options.architectures;
    if (options.id2label != null) {
      this.setId2Label(options.id2label, options.label2id ?? null);
    } else if (options.numLabels !== undefined) {
      this.numLabels = options.numLabels;
    }
    if (options.label2id != null) this.label2id = { ...options.label2id };
    if (options.problemType !== undefined) this.problemType = options.problemType;
    if (options.padTokenId !== undefined) this.padTokenId = options.padTokenId;
    if (options.outputHiddenStates !== undefined) this.outputHiddenStates = options.outputHiddenStates;
    if (options.outputAttentions !== undefined) this.outputAttentions = options.outputAttentions;
    if (options.torchDtype !== undefined) this.torchDtype = options.torchDtype;
    if (options.transformersVersion !== undefined) this.transformersVersion = options.transformersVersion;
    if (options.nameOrPath !== undefined) this.nameOrPath = options.nameOrPath;
    if (this.problemType !== null && !PROBLEM_TYPES.includes(this.problemType)) {
      throw new ConfigError(
        `problem_type ${describeValue(this.problemType)} is not one of ${PROBLEM_TYPE_LIST}.`,
      );
    }
  }

  /**
   * Replaces the label names. Keys become integers like Python's
   * `{int(key): value}`; label2id is derived unless given (Python keeps the old
   * label2id when only id2label is passed to from_pretrained: we derive it so
   * the two never disagree).
   */
  setId2Label(
    id2label: Record<number | string, string>,
    label2id: Record<string, number> | null = null,
  ): void {
    const next = parseId2Label(id2label);
    this.id2label = next;
    this.label2id = label2id
      ? { ...label2id }
      : Object.fromEntries(Object.entries(next).map(([id, label]) => [label, Number(id)]));
  }

  /** Number of labels, `len(id2label)` as in Python. */
  get numLabels(): number {
    return Object.keys(this.id2label).length;
  }

  /** Like Python's setter: resets labels to `LABEL_i` when the count changes. */
  set numLabels(count: number) {
    // Bounded before the loop below, which a hostile count would otherwise keep busy for ever.
    checkIntegerRange('config', 'num_labels', count, 1, CONFIG_LIMITS.maxLabels);
    if (this.numLabels === count) return;
    const id2label: Record<number, string> = {};
    for (let i = 0; i < count; i++) id2label[i] = `LABEL_${i}`;
    this.setId2Label(id2label);
  }

  /** Reads common fields and unknown keys from a parsed config.json object. */
  protected readCommon(source: string, raw: Record<string, unknown>): PretrainedConfigOptions {
    const options: PretrainedConfigOptions = {};
    if (raw.architectures !== undefined) {
      if (
        raw.architectures !== null &&
        !(Array.isArray(raw.architectures) && raw.architectures.every((a) => typeof a === 'string'))
      ) {
        throw new ConfigError(`${source}: "architectures" must be a list of class names.`);
      }
      options.architectures = raw.architectures as string[] | null;
    }
    if (raw.id2label != null) {
      if (typeof raw.id2label !== 'object' || Array.isArray(raw.id2label)) {
        throw new ConfigError(`${source}: "id2label" must be an object like {"0": "O", "1": "B-PER"}.`);
      }
      // Checked here so that the errors name the file (applyCommon converts the keys again).
      parseId2Label(raw.id2label as Record<string, unknown>, source);
      options.id2label = raw.id2label as Record<string, string>;
      const labelCount = Object.keys(raw.id2label).length;
      // Python warns and keeps id2label; a file that contradicts itself is more likely damaged, so we refuse it.
      if (raw.num_labels !== undefined && raw.num_labels !== labelCount) {
        if (typeof raw.num_labels !== 'number') readInteger(source, 'num_labels', raw.num_labels);
        throw new ConfigError(
          `${source}: "num_labels" = ${describeValue(raw.num_labels)} contradicts "id2label", which has ${labelCount} labels; ` +
            'remove num_labels or make the two agree.',
        );
      }
    } else if (raw.num_labels !== undefined) {
      const count = readInteger(source, 'num_labels', raw.num_labels);
      checkIntegerRange(source, 'num_labels', count, 1, CONFIG_LIMITS.maxLabels);
      options.numLabels = count;
    }
    if (raw.label2id != null) {
      if (typeof raw.label2id !== 'object' || Array.isArray(raw.label2id)) {
        throw new ConfigError(`${source}: "label2id" must be an object like {"O": 0, "B-PER": 1}.`);
      }
      options.label2id = raw.label2id as Record<string, number>;
    }
    if (raw.problem_type !== undefined) {
      if (raw.problem_type !== null && typeof raw.problem_type !== 'string') {
        throw new ConfigError(
          `${source}: "problem_type" must be one of ${PROBLEM_TYPE_LIST} or null, got ${describeValue(raw.problem_type)}.`,
        );
      }
      if (raw.problem_type !== null && !PROBLEM_TYPES.includes(raw.problem_type as ProblemType)) {
        throw new ConfigError(
          `${source}: "problem_type" ${describeValue(raw.problem_type)} is not one of ${PROBLEM_TYPE_LIST} or null.`,
        );
      }
      options.problemType = raw.problem_type as ProblemType | null;
    }
    if (raw.pad_token_id !== undefined) {
      options.padTokenId =
        raw.pad_token_id === null ? null : readInteger(source, 'pad_token_id', raw.pad_token_id);
    }
    if (typeof raw.output_hidden_states === 'boolean') options.outputHiddenStates = raw.output_hidden_states;
    if (typeof raw.output_attentions === 'boolean') options.outputAttentions = raw.output_attentions;
    if (raw.torch_dtype !== undefined) {
      // transformers turns a string into a torch dtype ("float32" -> torch.float32) and keeps any
      // other value unread, so such a file loads there: here it loads too, without the value.
      if (raw.torch_dtype !== null && typeof raw.torch_dtype !== 'string') {
        warnOnce(
          `torch_dtype:${source}`,
          `${source}: "torch_dtype" is ${describeValue(raw.torch_dtype)}, not a dtype name; it is ignored.`,
        );
      } else options.torchDtype = raw.torch_dtype;
    }
    if (typeof raw.transformers_version === 'string') options.transformersVersion = raw.transformers_version;
    if (typeof raw._name_or_path === 'string') options.nameOrPath = raw._name_or_path;
    const known = new Set(this.fieldSpecs().map((spec) => spec.json));
    for (const [key, value] of Object.entries(raw)) {
      if (!COMMON_KEYS.has(key) && !known.has(key)) this.extra[key] = value;
    }
    return options;
  }

  /** Reads the model-specific fields of config.json into camelCase properties. */
  protected readFields(source: string, raw: Record<string, unknown>): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const spec of this.fieldSpecs()) {
      if (raw[spec.json] !== undefined) values[spec.prop] = readField(source, spec, raw[spec.json]);
    }
    return values;
  }

  /**
   * Checks the fields every config shares: `id2label` keyed exactly
   * `0..n-1` (a gap would only fail when a model predicts the missing class),
   * `label2id` its inverse (only a warning: Python loads such files), `problem_type` known, and `pad_token_id` a row of
   * the `vocabSize`-row embedding table. Subclasses call it from `validate`.
   * @throws ConfigError naming `source` and the field.
   */
  protected validateCommon(source: string, vocabSize: number): void {
    const ids = Object.keys(this.id2label).map(Number);
    const count = ids.length;
    checkIntegerRange(source, 'num_labels (the size of id2label)', count, 1, CONFIG_LIMITS.maxLabels);
    const present = new Set(ids);
    const missing: number[] = [];
    for (let id = 0; id < count && missing.length < 10; id++) if (!present.has(id)) missing.push(id);
    if (missing.length > 0) {
      const stray = ids.filter((id) => id < 0 || id >= count).slice(0, 10);
      throw new ConfigError(
        `${source}: "id2label" must have the ids 0..${count - 1}, one per label with none missing; ` +
          `missing ${missing.join(', ')}, unexpected ${stray.join(', ')}.`,
      );
    }
    const label2idProblem = label2idMismatch(this.id2label, this.label2id);
    if (label2idProblem !== null) {
      // Python loads such configs (some published checkpoints have a stale label2id) and only
      // id2label decides what a prediction is called, so this warns instead of refusing.
      warnOnce(label2idProblem, `${source}: ${label2idProblem}; predictions use id2label.`);
    }
    if (this.problemType !== null && !PROBLEM_TYPES.includes(this.problemType)) {
      throw new ConfigError(
        `${source}: "problem_type" ${describeValue(this.problemType)} is not one of ${PROBLEM_TYPE_LIST}.`,
      );
    }
    if (this.padTokenId !== null) {
      // The padding row must exist: Python's nn.Embedding asserts it; here an id past the table would be ignored.
      const pad = this.padTokenId;
      if (!Number.isInteger(pad) || pad < 0 || pad >= vocabSize) {
        throw new ConfigError(
          `${source}: "pad_token_id" = ${describeValue(pad)} is outside the vocabulary; expected an integer in ` +
            `[0, ${vocabSize - 1}] (vocab_size = ${vocabSize}) or null.`,
        );
      }
    }
  }

  /**
   * The dict `save_pretrained` writes (Python's `to_diff_dict`): every
   * model-specific field, and common fields only where they differ from
   * `PretrainedConfig` defaults. Floats are wrapped so they print like Python.
   */
  toDict(): Record<string, unknown> {
    const out: Record<string, unknown> = { ...this.extra };
    const self = this as unknown as Record<string, unknown>;
    for (const spec of this.fieldSpecs()) {
      const value = self[spec.prop];
      out[spec.json] =
        (spec.kind === 'float' || spec.kind === 'float-or-null') && typeof value === 'number'
          ? new PyFloat(value)
          : value;
    }
    if (this.nameOrPath !== '') out._name_or_path = this.nameOrPath;
    if (this.architectures !== null) out.architectures = [...this.architectures];
    if (!isDefaultLabels(this.id2label, this.label2id)) {
      out.id2label = new PyIntKeyDict(
        Object.entries(this.id2label).map(([id, label]) => [Number(id), label]),
      );
      out.label2id = { ...this.label2id };
    }
    if (this.problemType !== null) out.problem_type = this.problemType;
    if (this.padTokenId !== null) out.pad_token_id = this.padTokenId;
    if (this.outputHiddenStates) out.output_hidden_states = true;
    if (this.outputAttentions) out.output_attentions = true;
    if (this.torchDtype !== null) out.torch_dtype = this.torchDtype;
    out.model_type = this.modelType;
    // Like Python's to_dict, which always writes the running library's version: ours follows 4.38's format.
    out.transformers_version = TRANSFORMERS_VERSION;
    return out;
  }

  /** config.json text exactly as Python writes it (`indent=2, sort_keys=True`, trailing newline). */
  toJSONString(): string {
    return pythonJsonDumps(this.toDict());
  }

  /** A plain JSON-compatible object (id2label keys as strings). */
  toJSON(): Record<string, unknown> {
    return JSON.parse(this.toJSONString()) as Record<string, unknown>;
  }
}
