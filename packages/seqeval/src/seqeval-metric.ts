import { AccumulatingMetric } from './accumulating-metric.js';
import { accuracyScore } from './accuracy.js';
import { classificationReport } from './classification-report.js';
import { SeqevalValueError } from './errors.js';
import type { Mode } from './options.js';
import type { ZeroDivision } from './prf.js';
import { isSchemeName, type SchemeName } from './scheme.js';
import type { WarningOptions } from './warnings.js';
import { checkOptionNames, SEQEVAL_COMPUTE_OPTION_NAMES } from './option-names.js';

/** Scores of one entity type in evaluate's layout (`number` = true entities of the type). */
export interface EntityTypeScores {
  precision: number;
  recall: number;
  f1: number;
  number: number;
}

/**
 * The result of evaluate's `seqeval` metric: one entry per entity type (sorted),
 * then the micro-averaged `overall_*` scores and token-level `overall_accuracy`.
 */
export type SeqevalResult = {
  [type: string]: EntityTypeScores | number;
} & {
  overall_precision: number;
  overall_recall: number;
  overall_f1: number;
  overall_accuracy: number;
};

/** Arguments of evaluate's `seqeval` `compute` (camelCased). */
export interface SeqevalComputeOptions extends WarningOptions {
  /** Tags carry the prefix at the end (`PER-B`). */
  suffix?: boolean;
  /** Scheme name for strict mode; evaluate rejects other names with a `ValueError`. */
  scheme?: SchemeName | null;
  /** `'strict'` for strict mode (the scheme is auto-detected when not given). */
  mode?: Mode;
  /** Accepted and ignored, as in seqeval. */
  sampleWeight?: readonly number[] | null;
  /** Value for 0/0 scores: `'warn'` (default), 0 or 1. */
  zeroDivision?: ZeroDivision;
}

/**
 * evaluate's `seqeval` `_compute`: the dict classification report, reshaped,
 * plus accuracy. `references` are the true tags.
 */
export function computeSeqeval(
  predictions: readonly (readonly string[])[],
  references: readonly (readonly string[])[],
  options: SeqevalComputeOptions = {},
): SeqevalResult {
  checkOptionNames(options, 'compute');
  if (options.scheme !== undefined && options.scheme !== null && !isSchemeName(options.scheme)) {
    throw new SeqevalValueError(
      `Scheme should be one of [IOB1, IOB2, IOE1, IOE2, IOBES, BILOU], got ${String(options.scheme)}`,
    );
  }
  const report = classificationReport(references, predictions, {
    suffix: options.suffix ?? false,
    outputDict: true,
    scheme: options.scheme ?? null,
    mode: options.mode ?? null,
    sampleWeight: options.sampleWeight ?? null,
    zeroDivision: options.zeroDivision ?? 'warn',
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  const result: Record<string, EntityTypeScores | number> = {};
  for (const [name, row] of Object.entries(report)) {
    if (name === 'micro avg' || name === 'macro avg' || name === 'weighted avg') continue;
    result[name] = { precision: row.precision, recall: row.recall, f1: row['f1-score'], number: row.support };
  }
  const overall = report['micro avg']!;
  result.overall_precision = overall.precision;
  result.overall_recall = overall.recall;
  result.overall_f1 = overall['f1-score'];
  result.overall_accuracy = accuracyScore(references, predictions);
  return result as SeqevalResult;
}

/** One example for {@link Seqeval.add}. */
export interface SeqevalExample {
  prediction: readonly string[];
  reference: readonly string[];
}

/** A batch for {@link Seqeval.addBatch}. */
export interface SeqevalBatch {
  predictions: readonly (readonly string[])[];
  references: readonly (readonly string[])[];
}

/**
 * evaluate's `seqeval` metric as an accumulator: add examples or batches as
 * they come out of an evaluation loop, then `compute` once. Like evaluate,
 * `compute` consumes what was added, so the instance can be reused for the next
 * evaluation.
 *
 * @example
 * const metric = new Seqeval();
 * metric.addBatch({ predictions: [['B-PER', 'O']], references: [['B-PER', 'O']] });
 * metric.compute(); // { PER: { precision: 1, recall: 1, f1: 1, number: 1 }, overall_precision: 1, ... }
 */
export class Seqeval extends AccumulatingMetric<readonly string[], SeqevalComputeOptions, SeqevalResult> {
  /** The options `compute` takes besides `predictions` and `references`. */
  readonly computeOptionNames: readonly string[] = SEQEVAL_COMPUTE_OPTION_NAMES;

  protected checkComputeOptions(options: object): void {
    checkOptionNames(options, 'Seqeval.compute');
  }

  protected batchLengthError(predictions: number, references: number): Error {
    return new SeqevalValueError(
      `Mismatch in the number of predictions (${predictions}) and references (${references})`,
    );
  }

  protected noExamplesError(): Error {
    return new SeqevalValueError(
      'Seqeval.compute() found no examples: call add() or addBatch() first, or pass predictions and references',
    );
  }

  protected computeFrom(
    predictions: (readonly string[])[],
    references: (readonly string[])[],
    options: SeqevalComputeOptions,
  ): SeqevalResult {
    return computeSeqeval(predictions, references, options);
  }
}
