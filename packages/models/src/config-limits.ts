/**
 * Ranges for the numeric fields of config.json, checked before any weight is
 * allocated. A config file is untrusted input: `num_hidden_layers: 1e9` would
 * otherwise loop for ever creating weights, `vocab_size: 3e7` would allocate
 * gigabytes before a checkpoint mismatch is noticed, and `layer_norm_eps: -1`
 * or `hidden_dropout_prob: 2` would load and then produce NaN.
 *
 * The upper bounds admit every published BERT and DistilBERT with room to
 * spare (bert-large: hidden 1024, 24 layers, 16 heads, intermediate 4096,
 * 335M parameters; multilingual vocabularies reach 120k-250k entries; the
 * largest ALBERT-style widths are 4096 hidden / 16384 intermediate).
 */
import { describeValue } from './describe-value.js';
import { ConfigError } from './errors.js';

/** Upper bounds of the size fields (inclusive), and of the whole model. */
export const CONFIG_LIMITS = {
  /** Token vocabulary: 2^24 rows, ~67x the largest multilingual vocabularies. */
  maxVocabSize: 2 ** 24,
  /** Hidden width (`hidden_size`, DistilBERT `dim`): 64x bert-large. */
  maxHiddenSize: 65_536,
  /** Transformer layers (`num_hidden_layers`, `n_layers`): ~40x bert-large. */
  maxLayers: 1_000,
  /** Feed-forward width (`intermediate_size`, `hidden_dim`): 64x bert-large. */
  maxIntermediateSize: 262_144,
  /** Position table rows (`max_position_embeddings`): 2^20, far beyond any BERT's 512-8192. */
  maxPositionEmbeddings: 2 ** 20,
  /** Segment types (`type_vocab_size`): BERT uses 2, some variants up to 16. */
  maxTypeVocabSize: 65_536,
  /** Number of labels of a head (`num_labels`, `id2label` size). */
  maxLabels: 1_000_000,
  /**
   * Weights of the whole model (encoder and the largest head): 2^31 float32
   * values are 8 GiB, 6x bert-large. Checked from the config alone, before
   * anything is allocated.
   */
  maxParameters: 2 ** 31,
} as const;

/** Where a config value came from, for error messages: `"<file>: \"<field>\""`. */
function where(source: string, field: string): string {
  return `${source}: "${field}"`;
}

/**
 * Checks an integer field lies in `[min, max]`.
 * @throws ConfigError naming the file and field, the value and the range.
 */
export function checkIntegerRange(
  source: string,
  field: string,
  value: number,
  min: number,
  max: number,
): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `${where(source, field)} = ${describeValue(value)} is out of range; expected an integer in [${min}, ${max}].`,
    );
  }
}

/**
 * Checks a dropout probability lies in `[0, 1)` (1 would divide the kept
 * activations by zero in inverted dropout).
 * @throws ConfigError naming the file and field.
 */
export function checkProbability(source: string, field: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value >= 1) {
    throw new ConfigError(
      `${where(source, field)} = ${describeValue(value)} is not a dropout probability; expected a number in [0, 1).`,
    );
  }
}

/**
 * Checks a float is finite and in `[min, max]`, or `(min, max]` when `exclusiveMin`.
 * @throws ConfigError naming the file and field.
 */
export function checkFloatRange(
  source: string,
  field: string,
  value: number,
  min: number,
  max: number,
  exclusiveMin = false,
): void {
  const aboveMin = exclusiveMin ? value > min : value >= min;
  if (!Number.isFinite(value) || !aboveMin || value > max) {
    throw new ConfigError(
      `${where(source, field)} = ${describeValue(value)} is out of range; expected a number in ` +
        `${exclusiveMin ? '(' : '['}${min}, ${max}].`,
    );
  }
}

/**
 * Checks the weight count of a model built from this config fits
 * `CONFIG_LIMITS.maxParameters`, before any weight exists.
 * @throws ConfigError with the count and the fields that drive it.
 */
export function checkParameterCount(source: string, count: number, drivers: string): void {
  if (!(count <= CONFIG_LIMITS.maxParameters)) {
    throw new ConfigError(
      `${source}: a model with this config would have ${count.toExponential(3)} weights ` +
        `(${((count * 4) / 2 ** 30).toFixed(1)} GiB as float32), above the limit of ${CONFIG_LIMITS.maxParameters} ` +
        `(${drivers}).`,
    );
  }
}
