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
import { scoresFromDivision } from '@ner/seqeval/internal';
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
  const { average, zeroDivision } = settings;
  const counts = average === 'micro' ? poolCounts(perLabel) : perLabel;
  const { precision, recall, fScore } = scoresFromDivision(
    counts.tp,
    counts.pred,
    counts.true,
    settings,
    sink,
  );

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
