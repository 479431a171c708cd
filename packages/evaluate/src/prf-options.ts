import { EvaluateValueError } from './errors.js';
import { type CheckedTargets, checkLabelsOption, type Label, reprLabel, reprLabelList } from './labels.js';
import type { WarningOptions, WarningSink } from './warnings.js';

/**
 * How per-label scores are combined: `binary` (the `posLabel` class only),
 * `micro` (pool every sample), `macro` (unweighted mean over labels), `weighted`
 * (mean weighted by support), or `null` for one score per label (Python's `None`).
 * `'samples'` exists for multilabel targets only and is rejected, as scikit-learn
 * rejects it for 1-D labels.
 */
export type Average = 'binary' | 'micro' | 'macro' | 'weighted' | 'samples' | null;

/** Value used where a denominator is zero; `'warn'` acts as 0 and warns. */
export type ZeroDivision = 'warn' | 0 | 1;

/** The scores a caller asked for; only those warn about zero division (scikit-learn's `warn_for`). */
export type WarnFor = readonly ('precision' | 'recall' | 'f-score')[];

/** Options of the precision / recall / F-score functions (scikit-learn's keyword arguments, camelCased). */
export interface PrfOptions extends WarningOptions {
  /** Weight of recall in the F-score (default 1: F1). */
  beta?: number;
  /**
   * The labels to score, in this order (default: every label of `yTrue` and `yPred`,
   * sorted). Labels absent from the data score 0/0; labels left out are ignored,
   * which is how a majority class is excluded from a `macro` average.
   */
  labels?: readonly Label[] | null;
  /** The positive class for `average: 'binary'` (default 1); ignored, with a warning, otherwise. */
  posLabel?: Label | null;
  /** See {@link Average}. */
  average?: Average;
  /** Which scores warn about zero division (default: all three). */
  warnFor?: WarnFor;
  /** One weight per sample; sums replace counts. */
  sampleWeight?: ArrayLike<number> | null;
  /** Value of 0/0 scores (default `'warn'`: 0 with an `UndefinedMetricWarning`). */
  zeroDivision?: ZeroDivision;
}

const AVERAGES: readonly Average[] = [null, 'micro', 'macro', 'weighted', 'samples'];

/** scikit-learn's `_check_zero_division`. */
export function checkZeroDivision(zeroDivision: unknown): asserts zeroDivision is ZeroDivision {
  if (zeroDivision === 'warn' || zeroDivision === 0 || zeroDivision === 1) return;
  throw new EvaluateValueError(`Got zeroDivision=${String(zeroDivision)}. Must be one of ['warn', 0, 1]`);
}

/** Checks `average` before the data is looked at. */
export function checkAverage(average: unknown): asserts average is Average {
  if (average === 'binary' || (AVERAGES as readonly unknown[]).includes(average)) return;
  throw new EvaluateValueError(
    `average has to be one of (null, 'binary', 'micro', 'macro', 'weighted', 'samples'); got ${JSON.stringify(average)}`,
  );
}

/**
 * scikit-learn's `_check_set_wise_labels`: with `average: 'binary'` the targets
 * must be binary and the scored labels become `[posLabel]`; otherwise a
 * `posLabel` other than 1 is ignored with a warning. Returns the labels to score.
 */
export function resolveScoredLabels(
  targets: CheckedTargets,
  average: Average,
  labels: readonly Label[] | null | undefined,
  posLabel: Label | null,
  sink: WarningSink,
): readonly Label[] {
  if (labels !== null && labels !== undefined) checkLabelsOption(labels, targets.present);
  if (average === 'binary') {
    if (targets.type !== 'binary') {
      throw new EvaluateValueError(
        `Target is ${targets.type} but average='binary'. Please choose another average setting, ` +
          "one of [null, 'micro', 'macro', 'weighted'].",
      );
    }
    if (!targets.present.includes(posLabel as Label) && targets.present.length >= 2) {
      throw new EvaluateValueError(
        `posLabel=${posLabel === null ? 'null' : String(posLabel)} is not a valid label. ` +
          `It should be one of ${reprLabelList(targets.present)}`,
      );
    }
    return [posLabel as Label];
  }
  if (posLabel !== null && posLabel !== 1) {
    sink.warn(
      'UserWarning',
      `Note that posLabel (set to ${reprLabel(posLabel)}) is ignored when average != 'binary' ` +
        `(got ${average === null ? 'null' : reprLabel(average)}). You may use labels: [posLabel] ` +
        'to specify a single positive class.',
    );
  }
  if (average === 'samples') {
    throw new EvaluateValueError(
      'Samplewise metrics are not available outside of multilabel classification.',
    );
  }
  return labels ?? targets.present;
}
