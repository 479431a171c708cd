import {
  checkAverage,
  checkZeroDivision,
  type PrfOptions,
  resolveScoredLabels,
  type WarnFor,
} from './prf-options.js';
import type { Average, ZeroDivision } from './prf-options.js';
import { EvaluateValueError } from './errors.js';
import { checkSampleWeight, checkTargets, type Label, type LabelArray } from './labels.js';
import { countLabels, type LabelCounts, poolCounts } from './label-counts.js';
import { npSum, npWeightedAverage } from './numpy-sum.js';
import type { WarningSink } from './warnings.js';

/** Scores of each scored label, in label order (`average: null`). */
export interface PerLabelScores {
  precision: number[];
  recall: number[];
  fScore: number[];
  /** True samples (or their weight) of each label. */
  support: number[];
}

/** Averaged scores; scikit-learn returns no support for them. */
export interface AveragedScores {
  precision: number;
  recall: number;
  fScore: number;
  support: null;
}

/** What the internal computation hands to the report as well. */
export interface PrfComputation {
  scores: PerLabelScores | AveragedScores;
  /** The labels scored, in order. */
  labels: readonly Label[];
  counts: LabelCounts;
}

/** scikit-learn's default `warn_for`: every score warns. */
export const ALL_SCORES: WarnFor = ['precision', 'recall', 'f-score'];

function warnPrf(sink: WarningSink, modifier: string, messageStart: string, resultSize: number): void {
  const where = resultSize === 1 ? 'due to' : 'in labels with';
  sink.warn(
    'UndefinedMetricWarning',
    `${messageStart} ill-defined and being set to 0.0 ${where} no ${modifier} samples. ` +
      'Use `zeroDivision` option to control this behavior.',
  );
}

/** scikit-learn's `_prf_divide`: element-wise division; zero denominators give 0 or 1, and a warning. */
function prfDivide(
  numerator: readonly number[],
  denominator: readonly number[],
  metric: 'precision' | 'recall',
  modifier: string,
  warnFor: WarnFor,
  zeroDivision: ZeroDivision,
  sink: WarningSink,
): number[] {
  let anyZero = false;
  const fill = zeroDivision === 1 ? 1 : 0;
  const result = numerator.map((value, i) => {
    if (denominator[i] === 0) {
      anyZero = true;
      return fill;
    }
    return value / denominator[i]!;
  });
  if (!anyZero || zeroDivision !== 'warn' || !warnFor.includes(metric)) return result;
  const title = metric === 'precision' ? 'Precision' : 'Recall';
  const start = warnFor.includes('f-score') ? `${title} and F-score are` : `${title} is`;
  warnPrf(sink, modifier, start, result.length);
  return result;
}

/** numpy's `mean`: NaN with a RuntimeWarning for no values. */
function npMean(values: readonly number[], sink: WarningSink): number {
  if (values.length === 0) {
    sink.warn('RuntimeWarning', 'Mean of empty slice.');
    return Number.NaN;
  }
  return npSum(values) / values.length;
}

/** The settings of one score computation, after validation. */
export interface PrfSettings {
  average: Average;
  beta: number;
  warnFor: WarnFor;
  zeroDivision: ZeroDivision;
}

/**
 * scikit-learn 1.2's `precision_recall_fscore_support` for 1-D labels, with its
 * checks, zero-division rules, warnings and averaging (numpy's summation order).
 */
export function computePrf(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: PrfOptions,
  sink: WarningSink,
): PrfComputation {
  const zeroDivision = options.zeroDivision ?? 'warn';
  checkZeroDivision(zeroDivision);
  const beta = options.beta ?? 1;
  if (typeof beta !== 'number' || !(beta >= 0)) {
    throw new EvaluateValueError(`beta should be >=0 in the F-beta score; got ${String(beta)}`);
  }
  const average: Average = options.average === undefined ? null : options.average;
  checkAverage(average);
  const warnFor = options.warnFor ?? ALL_SCORES;
  const targets = checkTargets(yTrue, yPred);
  const posLabel = options.posLabel === undefined ? 1 : options.posLabel;
  const labels = resolveScoredLabels(targets, average, options.labels, posLabel, sink);
  checkSampleWeight(options.sampleWeight, yTrue.length);
  const perLabel = countLabels(yTrue, yPred, labels, options.sampleWeight);
  const scores = scoresFromCounts(perLabel, { average, beta, warnFor, zeroDivision }, sink);
  return { scores, labels, counts: perLabel };
}

/**
 * The second half of `precision_recall_fscore_support`: scores from per-label
 * counts. The classification report counts once and averages three ways.
 */
export function scoresFromCounts(
  perLabel: LabelCounts,
  settings: PrfSettings,
  sink: WarningSink,
): PerLabelScores | AveragedScores {
  const { average, beta, warnFor, zeroDivision } = settings;
  const counts = average === 'micro' ? poolCounts(perLabel) : perLabel;
  const precision = prfDivide(counts.tp, counts.pred, 'precision', 'predicted', warnFor, zeroDivision, sink);
  const recall = prfDivide(counts.tp, counts.true, 'recall', 'true', warnFor, zeroDivision, sink);
  // The F-score warns on its own only when it alone was asked for and both
  // precision and recall are 0/0 for some label.
  if (zeroDivision === 'warn' && warnFor.length === 1 && warnFor[0] === 'f-score') {
    if (counts.true.some((t, i) => t === 0 && counts.pred[i] === 0)) {
      warnPrf(sink, 'true nor predicted', 'F-score is', counts.true.length);
    }
  }
  let fScore: number[];
  if (beta === Number.POSITIVE_INFINITY) {
    fScore = recall.slice();
  } else {
    const beta2 = beta ** 2;
    fScore = precision.map((p, i) => {
      const r = recall[i]!;
      const denominator = beta2 * p + r;
      return ((1 + beta2) * p * r) / (denominator === 0 ? 1 : denominator);
    });
  }

  if (average === null) {
    return { precision, recall, fScore, support: counts.true.slice() };
  }
  if (average === 'weighted') {
    const p = npWeightedAverage(precision, counts.true);
    if (p === null) {
      // No true samples at all: precision is zeroDivision when nothing is
      // predicted either, recall always, the F-score when both are.
      const value = zeroDivision === 1 ? 1 : 0;
      const nothingPredicted = npSum(counts.pred) === 0;
      return nothingPredicted
        ? { precision: value, recall: value, fScore: value, support: null }
        : { precision: 0, recall: value, fScore: 0, support: null };
    }
    return {
      precision: p,
      recall: npWeightedAverage(recall, counts.true)!,
      fScore: npWeightedAverage(fScore, counts.true)!,
      support: null,
    };
  }
  return {
    precision: npMean(precision, sink),
    recall: npMean(recall, sink),
    fScore: npMean(fScore, sink),
    support: null,
  };
}
