/**
 * The option names of each function and module, checked as Python checks keyword arguments:
 * `f1_score(y_true, y_pred, averge='macro')` is `TypeError: f1_score() got an unexpected keyword
 * argument 'averge'` in scikit-learn, where here the typo would score with `average: 'binary'`
 * without a word.
 */
import {
  assertOptionNames,
  type ListIsWhole,
  type OptionNames,
  type UnlistedOptions,
  unexpectedKeywordMessage,
} from '../../../tools/option-names/index.js';
import type { AccuracyOptions } from './accuracy.js';
import type { ClassificationReportOptions } from './classification-report.js';
import type { ConfusionMatrixOptions } from './confusion-matrix.js';
import { EvaluateTypeError } from './errors.js';
import type { TrainingCurveSvgOptions } from './plot/training-curve-svg.js';
import type { ConfusionMatrixSvgOptions } from './plot/confusion-matrix-svg.js';
import type { PrfOptions } from './prf-options.js';
import type { FbetaOptions, ScoreOptions } from './scores.js';

export const ACCURACY_NAMES = [
  'onWarning',
  'normalize',
  'sampleWeight',
] as const satisfies readonly (keyof AccuracyOptions)[];
export const SCORE_NAMES = [
  'onWarning',
  'labels',
  'posLabel',
  'average',
  'sampleWeight',
  'zeroDivision',
] as const satisfies readonly (keyof ScoreOptions)[];
const FBETA_NAMES = [...SCORE_NAMES, 'beta'] as const satisfies readonly (keyof FbetaOptions)[];
const PRFS_NAMES = [...FBETA_NAMES, 'warnFor'] as const satisfies readonly (keyof PrfOptions)[];
export const CONFUSION_MATRIX_NAMES = [
  'labels',
  'sampleWeight',
  'normalize',
] as const satisfies readonly (keyof ConfusionMatrixOptions)[];
const REPORT_NAMES = [
  'onWarning',
  'labels',
  'targetNames',
  'sampleWeight',
  'digits',
  'outputDict',
  'zeroDivision',
] as const satisfies readonly (keyof ClassificationReportOptions)[];
const CURVE_SVG_NAMES = [
  'title',
  'xLabel',
  'yLabel',
  'width',
  'height',
  'yRange',
  'markers',
] as const satisfies readonly (keyof TrainingCurveSvgOptions)[];
const MATRIX_SVG_NAMES = [
  'title',
  'digits',
  'cellSize',
  'colorRange',
  'xLabel',
  'yLabel',
] as const satisfies readonly (keyof ConfusionMatrixSvgOptions)[];

/** A compile error here names an option to add to one of the lists above. */
export const evaluateOptionNamesAreWhole: ListIsWhole<
  | UnlistedOptions<AccuracyOptions, typeof ACCURACY_NAMES>
  | UnlistedOptions<ScoreOptions, typeof SCORE_NAMES>
  | UnlistedOptions<FbetaOptions, typeof FBETA_NAMES>
  | UnlistedOptions<PrfOptions, typeof PRFS_NAMES>
  | UnlistedOptions<ConfusionMatrixOptions, typeof CONFUSION_MATRIX_NAMES>
  | UnlistedOptions<ClassificationReportOptions, typeof REPORT_NAMES>
  | UnlistedOptions<TrainingCurveSvgOptions, typeof CURVE_SVG_NAMES>
  | UnlistedOptions<ConfusionMatrixSvgOptions, typeof MATRIX_SVG_NAMES>
> = true;

/** The options of each function, by the name its errors use (scikit-learn's where it has one). */
const OPTION_NAMES = {
  accuracy_score: { known: ACCURACY_NAMES },
  precision_score: { known: SCORE_NAMES },
  recall_score: { known: SCORE_NAMES },
  f1_score: { known: SCORE_NAMES },
  fbeta_score: { known: FBETA_NAMES },
  precision_recall_fscore_support: { known: PRFS_NAMES },
  confusion_matrix: { known: CONFUSION_MATRIX_NAMES },
  classification_report: { known: REPORT_NAMES },
  combine: { known: ['forcePrefix'] },
  trainingCurveSvg: { known: CURVE_SVG_NAMES },
  logHistorySeries: { known: ['x'] },
  confusionMatrixSvg: { known: MATRIX_SVG_NAMES },
} as const satisfies Record<string, OptionNames>;

/** The error of a call that got an option it does not take, worded as Python's `TypeError`. */
export function optionNameError(fn: string, name: string | undefined, problem: string): EvaluateTypeError {
  return new EvaluateTypeError(unexpectedKeywordMessage(fn, name, problem));
}

/**
 * Throws {@link EvaluateTypeError} with Python's message for the first option `fn` does not take,
 * and what was meant (the camelCase name of a Python spelling, the closest name of a typo).
 */
export function checkOptionNames(options: unknown, fn: keyof typeof OPTION_NAMES): void {
  assertOptionNames(options, OPTION_NAMES[fn], (name, problem) => optionNameError(fn, name, problem));
}
