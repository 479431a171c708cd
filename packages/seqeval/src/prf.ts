import { SeqevalValueError } from './errors.js';
import { npMean, npWeightedAverage } from './numpy-math.js';
import { scoresFromDivision } from './prf-divide.js';
import type { TypeCounts } from './type-counts.js';
import type { WarningSink } from './warnings.js';

/**
 * How per-type scores are combined: `micro` (pool all entities), `macro`
 * (unweighted mean over types), `weighted` (mean weighted by true count), or
 * `null` / `'none'` for one score per type (Python's `average=None`).
 */
export type Average = 'micro' | 'macro' | 'weighted' | 'none' | null;

/** Value used where a denominator is zero; `'warn'` acts as 0 and warns. */
export type ZeroDivision = 'warn' | 0 | 1;

/** The metrics a caller asked for; only those warn about zero division (seqeval's `warn_for`). */
export type WarnFor = readonly ('precision' | 'recall' | 'f-score')[];

/** Precision, recall, F-score and support: numbers when averaged, per-type arrays otherwise. */
export interface PrecisionRecallFscoreSupport<T extends number | number[] = number | number[]> {
  precision: T;
  recall: T;
  fScore: T;
  support: T;
}

/** Settings of {@link prfFromCounts}, after validation. */
export interface PrfSettings {
  average: Average;
  warnFor: WarnFor;
  beta: number;
  zeroDivision: ZeroDivision;
}

/** The `average` / `beta` / `zero_division` checks seqeval makes before it looks at the data. */
export function validatePrfSettings(settings: PrfSettings): void {
  if (!(settings.beta >= 0)) throw new SeqevalValueError('beta should be >=0 in the F-beta score');
  const average = settings.average;
  if (
    average !== null &&
    average !== 'none' &&
    average !== 'micro' &&
    average !== 'macro' &&
    average !== 'weighted'
  ) {
    throw new SeqevalValueError(
      `average has to be one of (None, 'micro', 'macro', 'weighted'); got ${JSON.stringify(average)} ` +
        "(use null or 'none' for per-type scores)",
    );
  }
  const zd = settings.zeroDivision;
  if (zd !== 'warn' && zd !== 0 && zd !== 1) {
    throw new SeqevalValueError(`zeroDivision must be 'warn', 0 or 1; got ${JSON.stringify(zd)}`);
  }
}

function isPerType(average: Average): boolean {
  return average === null || average === 'none';
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

/**
 * seqeval's `_precision_recall_fscore_support` from per-type counts: pools
 * them for `micro`, divides with zero-division handling and warnings, computes
 * F-beta, then averages (macro over no types is NaN with numpy's warnings; a
 * weighted average over zero true entities returns the zero-division value).
 */
export function prfFromCounts(
  counts: TypeCounts,
  settings: PrfSettings,
  sink: WarningSink,
): PrecisionRecallFscoreSupport {
  let tp = counts.tp;
  let pred = counts.pred;
  let truth = counts.true;
  if (settings.average === 'micro') {
    tp = [sum(tp)];
    pred = [sum(pred)];
    truth = [sum(truth)];
  }
  const { precision, recall, fScore } = scoresFromDivision(tp, pred, truth, settings, sink);

  if (isPerType(settings.average)) {
    return { precision, recall, fScore, support: truth.slice() };
  }
  const support = sum(truth);
  if (settings.average === 'weighted') {
    if (support === 0) {
      const value = settings.zeroDivision === 1 ? 1 : 0;
      const noPredictions = sum(pred) === 0;
      return {
        precision: noPredictions ? value : 0,
        recall: value,
        fScore: noPredictions ? value : 0,
        support,
      };
    }
    return {
      precision: npWeightedAverage(precision, truth),
      recall: npWeightedAverage(recall, truth),
      fScore: npWeightedAverage(fScore, truth),
      support,
    };
  }
  return {
    precision: npMean(precision, sink),
    recall: npMean(recall, sink),
    fScore: npMean(fScore, sink),
    support,
  };
}
