import type { LabelArray } from './labels.js';
import { type AveragedScores, computePrf, type PerLabelScores } from './prf.js';
import type { Average, PrfOptions } from './prf-options.js';
import { EvaluateTypeError } from './errors.js';
import { checkOptionNames } from './option-names.js';
import { WarningSink } from './warnings.js';

/** Options of `precisionScore`, `recallScore`, `f1Score` (no `beta`, no `warnFor`). */
export type ScoreOptions = Omit<PrfOptions, 'beta' | 'warnFor'>;

/** Options whose `average` is known not to be `null`: the result is one number. */
export type Averaged = { average?: Exclude<Average, null> };

/** Options of `fbetaScore`: `beta` is required. */
export type FbetaOptions = ScoreOptions & { beta: number };

/**
 * scikit-learn's `precision_recall_fscore_support`: precision, recall, F-beta
 * and support of each label (`average` null, the default) or averaged.
 *
 * @example
 * precisionRecallFscoreSupport([0, 1, 2, 2], [0, 2, 2, 2]);
 * // { precision: [1, 0, 0.6666666666666666], recall: [1, 0, 1], fScore: [1, 0, 0.8], support: [1, 1, 2] }
 */
export function precisionRecallFscoreSupport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: PrfOptions & { average?: null },
): PerLabelScores;
export function precisionRecallFscoreSupport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrfOptions & { average: Exclude<PrfOptions['average'], null | undefined> },
): AveragedScores;
export function precisionRecallFscoreSupport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: PrfOptions,
): PerLabelScores | AveragedScores;
export function precisionRecallFscoreSupport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrfOptions = {},
): PerLabelScores | AveragedScores {
  checkOptionNames(options, 'precision_recall_fscore_support');
  return computePrf(yTrue, yPred, options, new WarningSink(options.onWarning)).scores;
}

function oneScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrfOptions,
  key: 'precision' | 'recall' | 'fScore',
): number | number[] {
  const withDefault: PrfOptions = {
    ...options,
    average: options.average === undefined ? 'binary' : options.average,
  };
  return computePrf(yTrue, yPred, withDefault, new WarningSink(options.onWarning)).scores[key];
}

/**
 * The call signatures `precisionScore`, `recallScore` and `f1Score` share: one
 * score per label for `average: null`, one number for a known average.
 */
export interface LabelScore {
  (yTrue: LabelArray, yPred: LabelArray, options: ScoreOptions & { average: null }): number[];
  (yTrue: LabelArray, yPred: LabelArray, options?: ScoreOptions & Averaged): number;
  (yTrue: LabelArray, yPred: LabelArray, options?: ScoreOptions): number | number[];
}

/**
 * scikit-learn's `precision_score`: tp / (tp + fp). `average` defaults to
 * `'binary'` (the `posLabel` class); `null` gives one score per label.
 *
 * @example
 * precisionScore([0, 1, 1, 0], [0, 1, 0, 1]); // 0.5
 * precisionScore(['a', 'b', 'c'], ['a', 'b', 'b'], { average: 'macro' }); // 0.5 (and a warning for 'c')
 */
export const precisionScore = ((yTrue: LabelArray, yPred: LabelArray, options: ScoreOptions = {}) => {
  checkOptionNames(options, 'precision_score');
  return oneScore(yTrue, yPred, { ...options, warnFor: ['precision'] }, 'precision');
}) as LabelScore;

/** scikit-learn's `recall_score`: tp / (tp + fn); options as {@link precisionScore}. */
export const recallScore = ((yTrue: LabelArray, yPred: LabelArray, options: ScoreOptions = {}) => {
  checkOptionNames(options, 'recall_score');
  return oneScore(yTrue, yPred, { ...options, warnFor: ['recall'] }, 'recall');
}) as LabelScore;

/**
 * scikit-learn's `fbeta_score`: (1 + β²)·P·R / (β²·P + R); options as
 * {@link precisionScore} plus `beta`.
 */
export function fbetaScore(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: FbetaOptions & { average: null },
): number[];
export function fbetaScore(yTrue: LabelArray, yPred: LabelArray, options: FbetaOptions & Averaged): number;
export function fbetaScore(yTrue: LabelArray, yPred: LabelArray, options: FbetaOptions): number | number[];
export function fbetaScore(yTrue: LabelArray, yPred: LabelArray, options: FbetaOptions): number | number[] {
  checkOptionNames(options, 'fbeta_score');
  if (options?.beta === undefined) {
    throw new EvaluateTypeError("fbeta_score() missing 1 required keyword-only argument: 'beta'");
  }
  return oneScore(yTrue, yPred, { ...options, warnFor: ['f-score'] }, 'fScore');
}

/**
 * scikit-learn's `f1_score`: the harmonic mean of precision and recall;
 * options as {@link precisionScore}.
 *
 * @example
 * f1Score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], { average: 'weighted' }); // 0.26666666666666666
 */
export const f1Score = ((yTrue: LabelArray, yPred: LabelArray, options: ScoreOptions = {}) => {
  checkOptionNames(options, 'f1_score');
  return oneScore(yTrue, yPred, { ...options, beta: 1, warnFor: ['f-score'] }, 'fScore');
}) as LabelScore;
