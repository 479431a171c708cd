import { EvaluateZeroDivisionError } from './errors.js';
import { checkSampleWeight, checkTargets, type LabelArray } from './labels.js';
import { npSum } from './numpy-sum.js';
import { type WarningOptions, WarningSink } from './warnings.js';
import { checkOptionNames } from './option-names.js';

/** Options of {@link accuracyScore}. */
export interface AccuracyOptions extends WarningOptions {
  /** `true` (default): the fraction of correct samples; `false`: their number (or weight). */
  normalize?: boolean;
  /** One weight per sample. */
  sampleWeight?: ArrayLike<number> | null;
}

/**
 * scikit-learn's `accuracy_score`: the fraction (or, with `normalize: false`,
 * the number) of samples whose predicted label equals the true one.
 *
 * @example
 * accuracyScore([0, 1, 2, 3], [0, 2, 1, 3]); // 0.5
 * accuracyScore([0, 1, 2, 3], [0, 2, 1, 3], { normalize: false }); // 2
 */
export function accuracyScore(yTrue: LabelArray, yPred: LabelArray, options: AccuracyOptions = {}): number {
  checkOptionNames(options, 'accuracy_score');
  checkTargets(yTrue, yPred);
  const weights = options.sampleWeight;
  checkSampleWeight(weights, yTrue.length);
  const n = yTrue.length;
  if (weights === null || weights === undefined) {
    let correct = 0;
    for (let i = 0; i < n; i++) if (yTrue[i] === yPred[i]) correct++;
    if (options.normalize === false) return correct;
    if (n === 0) {
      new WarningSink(options.onWarning).warn('RuntimeWarning', 'Mean of empty slice.');
      return Number.NaN;
    }
    return correct / n;
  }
  const scored = new Float64Array(n);
  for (let i = 0; i < n; i++) scored[i] = yTrue[i] === yPred[i] ? weights[i]! : 0;
  // numpy: np.dot(score, w) without normalizing (BLAS order; may differ in the
  // last bit for long float weights), np.average(score, weights=w) with it.
  if (options.normalize === false) return npSum(scored);
  const total = npSum(weights);
  if (total === 0) {
    throw new EvaluateZeroDivisionError("Weights sum to zero, can't be normalized (sampleWeight sums to 0)");
  }
  return npSum(scored) / total;
}
