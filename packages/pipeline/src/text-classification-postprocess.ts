import { InvalidPipelineOptionError } from './errors.js';
import { argmax, float32Softmax, maxOf } from './float32-math.js';
import { labelOf } from './id2label.js';
import type { Id2Label } from './types.js';

/** What turns sequence logits into scores, as in transformers' `ClassificationFunction`. */
export type ClassificationFunction = 'softmax' | 'sigmoid' | 'none';

/** One label and its score. */
export interface LabelScore {
  label: string;
  score: number;
}

/** The model config fields that choose the default function. */
export interface ClassificationConfig {
  id2label: Id2Label;
  numLabels: number;
  /** `"single_label_classification"`, `"multi_label_classification"` or `"regression"`. */
  problemType?: string | null;
  /** A `function_to_apply` stored in the config, used when nothing else decides. */
  functionToApply?: string | null;
}

/** Resolves `'SOFTMAX'`/`'softmax'`… like `ClassificationFunction[name.upper()]`. */
export function parseClassificationFunction(name: string): ClassificationFunction {
  const lower = name.toLowerCase();
  if (lower === 'softmax' || lower === 'sigmoid' || lower === 'none') return lower;
  throw new InvalidPipelineOptionError(
    `Unknown functionToApply ${JSON.stringify(name)}: expected "softmax", "sigmoid" or "none".`,
  );
}

/**
 * Python's default: sigmoid for multi-label problems or a single output,
 * softmax for single-label problems or several outputs, else the config's own
 * `function_to_apply`, else none.
 */
export function defaultClassificationFunction(config: ClassificationConfig): ClassificationFunction {
  if (config.problemType === 'multi_label_classification' || config.numLabels === 1) return 'sigmoid';
  if (config.problemType === 'single_label_classification' || config.numLabels > 1) return 'softmax';
  if (config.functionToApply) return parseClassificationFunction(config.functionToApply);
  return 'none';
}

function applyFunction(logits: ArrayLike<number>, fn: ClassificationFunction): Float32Array {
  if (fn === 'softmax') return float32Softmax(logits);
  const out = Float32Array.from(logits);
  if (fn === 'sigmoid') {
    // numpy: 1.0 / (1.0 + np.exp(-x)) on float32, each step rounded to float32.
    for (let i = 0; i < out.length; i++) out[i] = 1 / Math.fround(1 + Math.fround(Math.exp(-out[i]!)));
  }
  return out;
}

/**
 * Python's `TextClassificationPipeline.postprocess` for one input. `topK`
 * undefined is the legacy single answer `{label, score}` of the best class; a
 * number gives the `topK` best classes sorted by score, `null` all of them.
 */
export function postprocessTextClassification(
  logits: ArrayLike<number>,
  config: ClassificationConfig,
  options?: { functionToApply?: ClassificationFunction; topK?: undefined },
): LabelScore;
export function postprocessTextClassification(
  logits: ArrayLike<number>,
  config: ClassificationConfig,
  options: { functionToApply?: ClassificationFunction; topK: number | null },
): LabelScore[];
export function postprocessTextClassification(
  logits: ArrayLike<number>,
  config: ClassificationConfig,
  options?: { functionToApply?: ClassificationFunction; topK?: number | null },
): LabelScore | LabelScore[];
export function postprocessTextClassification(
  logits: ArrayLike<number>,
  config: ClassificationConfig,
  options: { functionToApply?: ClassificationFunction; topK?: number | null } = {},
): LabelScore | LabelScore[] {
  const fn = options.functionToApply ?? defaultClassificationFunction(config);
  const scores = applyFunction(logits, fn);
  if (options.topK === undefined) {
    return { label: labelOf(config.id2label, argmax(scores)), score: maxOf(scores) };
  }
  const all = Array.from(scores, (score, i) => ({ label: labelOf(config.id2label, i), score }));
  // Array.prototype.sort is stable, like Python's sort: equal scores keep label order.
  all.sort((a, b) => b.score - a.score);
  return options.topK === null ? all : all.slice(0, options.topK);
}
