import { type AccuracyOptions, accuracyScore } from '../accuracy.js';
import { type ConfusionMatrixOptions, confusionMatrix } from '../confusion-matrix.js';
import type { LabelArray } from '../labels.js';
import { ACCURACY_NAMES, CONFUSION_MATRIX_NAMES, SCORE_NAMES } from '../option-names.js';
import type { ScoreOptions } from '../scores.js';
import { f1Score, precisionScore, recallScore } from '../scores.js';
import { EvaluationModule } from './evaluation-module.js';

/**
 * A score as evaluate returns it: a number, or one number per label
 * (`average: null`). As in evaluate (`float(score) if score.size == 1`), a
 * per-label result for a single label is a plain number.
 */
export type ScoreValue = number | number[];

function unwrap(score: number | number[]): ScoreValue {
  return Array.isArray(score) && score.length === 1 ? score[0]! : score;
}

/** evaluate's `accuracy` metric: `{ accuracy }` from scikit-learn's `accuracy_score`. */
export class Accuracy extends EvaluationModule<AccuracyOptions, { accuracy: number }> {
  readonly name = 'accuracy';
  readonly computeOptionNames: readonly string[] = ACCURACY_NAMES;
  protected computeFrom(predictions: LabelArray, references: LabelArray, options: AccuracyOptions) {
    return { accuracy: accuracyScore(references, predictions, options) };
  }
}

/** evaluate's `precision` metric: `{ precision }`; `average` defaults to `'binary'`. */
export class Precision extends EvaluationModule<ScoreOptions, { precision: ScoreValue }> {
  readonly name = 'precision';
  readonly computeOptionNames: readonly string[] = SCORE_NAMES;
  protected computeFrom(predictions: LabelArray, references: LabelArray, options: ScoreOptions) {
    return { precision: unwrap(precisionScore(references, predictions, options)) };
  }
}

/** evaluate's `recall` metric: `{ recall }`; `average` defaults to `'binary'`. */
export class Recall extends EvaluationModule<ScoreOptions, { recall: ScoreValue }> {
  readonly name = 'recall';
  readonly computeOptionNames: readonly string[] = SCORE_NAMES;
  protected computeFrom(predictions: LabelArray, references: LabelArray, options: ScoreOptions) {
    return { recall: unwrap(recallScore(references, predictions, options)) };
  }
}

/**
 * evaluate's `f1` metric: `{ f1 }`; `average` defaults to `'binary'`
 * (evaluate's f1 has no `zero_division`; `zeroDivision` is accepted here too).
 */
export class F1 extends EvaluationModule<ScoreOptions, { f1: ScoreValue }> {
  readonly name = 'f1';
  readonly computeOptionNames: readonly string[] = SCORE_NAMES;
  protected computeFrom(predictions: LabelArray, references: LabelArray, options: ScoreOptions) {
    return { f1: unwrap(f1Score(references, predictions, options)) };
  }
}

/** evaluate's `confusion_matrix` metric: `{ confusion_matrix }`, rows are references. */
export class ConfusionMatrix extends EvaluationModule<
  ConfusionMatrixOptions,
  { confusion_matrix: number[][] }
> {
  readonly name = 'confusion_matrix';
  readonly computeOptionNames: readonly string[] = CONFUSION_MATRIX_NAMES;
  protected computeFrom(predictions: LabelArray, references: LabelArray, options: ConfusionMatrixOptions) {
    return { confusion_matrix: confusionMatrix(references, predictions, options) };
  }
}
