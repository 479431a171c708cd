// The division half of `precision_recall_fscore_support`, which seqeval copied
// from scikit-learn: per-class precision, recall and F-beta from counts, with
// `zero_division` and `warn_for` handled the same way. `@ner/evaluate` (the
// scikit-learn side) uses this same code through `@ner/seqeval/internal`.

import type { WarnFor, ZeroDivision } from './prf.js';
import type { WarningSink } from './warnings.js';

/** The settings the division reads: which scores warn, what a zero denominator gives, F's beta. */
export interface DivisionSettings {
  readonly beta: number;
  readonly warnFor: WarnFor;
  readonly zeroDivision: ZeroDivision;
}

/** Per-class precision, recall and F-beta, in the order of the counts. */
export interface PerClassScores {
  precision: number[];
  recall: number[];
  fScore: number[];
}

/** sklearn's `_warn_prf` text, naming our option (`zeroDivision`) where Python names `zero_division`. */
function warnPrf(sink: WarningSink, modifier: string, messageStart: string, resultSize: number): void {
  const where = resultSize === 1 ? 'due to' : 'in labels with';
  sink.warn(
    'UndefinedMetricWarning',
    `${messageStart} ill-defined and being set to 0.0 ${where} no ${modifier} samples. ` +
      'Use `zeroDivision` option to control this behavior.',
  );
}

/** `_prf_divide`: element-wise division, zero denominators → 0 or 1 (and a warning). */
function prfDivide(
  numerator: readonly number[],
  denominator: readonly number[],
  metric: 'precision' | 'recall',
  modifier: string,
  settings: DivisionSettings,
  sink: WarningSink,
): number[] {
  const fill = settings.zeroDivision === 1 ? 1 : 0;
  let anyZero = false;
  const result = numerator.map((value, i) => {
    const divisor = denominator[i]!;
    if (divisor === 0) {
      anyZero = true;
      return fill;
    }
    return value / divisor;
  });
  if (!anyZero || settings.zeroDivision !== 'warn' || !settings.warnFor.includes(metric)) return result;
  const title = metric === 'precision' ? 'Precision' : 'Recall';
  const start = settings.warnFor.includes('f-score') ? `${title} and F-score are` : `${title} is`;
  warnPrf(sink, modifier, start, result.length);
  return result;
}

/**
 * Precision (`tp / pred`), recall (`tp / truth`) and F-beta per class, with the
 * zero-division fill and warnings. The F-score warns on its own only when it
 * alone was asked for and both precision and recall are 0/0 for some class.
 */
export function scoresFromDivision(
  tp: readonly number[],
  pred: readonly number[],
  truth: readonly number[],
  settings: DivisionSettings,
  sink: WarningSink,
): PerClassScores {
  const precision = prfDivide(tp, pred, 'precision', 'predicted', settings, sink);
  const recall = prfDivide(tp, truth, 'recall', 'true', settings, sink);
  const { warnFor, zeroDivision, beta } = settings;
  if (zeroDivision === 'warn' && warnFor.length === 1 && warnFor[0] === 'f-score') {
    if (truth.some((t, i) => t === 0 && pred[i] === 0)) {
      warnPrf(sink, 'true nor predicted', 'F-score is', truth.length);
    }
  }
  if (beta === Number.POSITIVE_INFINITY) return { precision, recall, fScore: recall.slice() };
  const beta2 = beta ** 2;
  const fScore = precision.map((p, i) => {
    const r = recall[i]!;
    const denominator = beta2 * p + r;
    return ((1 + beta2) * p * r) / (denominator === 0 ? 1 : denominator);
  });
  return { precision, recall, fScore };
}
