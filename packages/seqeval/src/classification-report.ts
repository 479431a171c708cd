import { autoDetect } from './auto-detect.js';
import { checkConsistentLength } from './check-consistent-length.js';
import { SeqevalValueError } from './errors.js';
import { countPair, type EntityPair, extractDefaultPair, extractStrictPair } from './extract-pair.js';
import type { Mode } from './options.js';
import {
  type Average,
  type PrfSettings,
  prfFromCounts,
  validatePrfSettings,
  type ZeroDivision,
} from './prf.js';
import { codePointLength } from './python-text.js';
import {
  type ClassificationReportDict,
  DictReportWriter,
  type ReportWriter,
  TextReportWriter,
} from './report-writer.js';
import { type SchemeName, schemeByName } from './scheme.js';
import { type WarningOptions, WarningSink } from './warnings.js';
import { checkOptionNames } from './option-names.js';

/** Options of {@link classificationReport} (seqeval's keyword arguments, camelCased). */
export interface ClassificationReportOptions extends WarningOptions {
  /** Digits after the decimal point in the text form. Default 2. */
  digits?: number;
  /** Tags carry the prefix at the end (`PER-B`). */
  suffix?: boolean;
  /** Return the dict form instead of the text. */
  outputDict?: boolean;
  /** `'strict'` scores by a scheme; the scheme is auto-detected from `yTrue` when not given. */
  mode?: Mode;
  /** Accepted and ignored, as in seqeval. */
  sampleWeight?: readonly number[] | null;
  /** Value for 0/0 scores: `'warn'` (default), 0 or 1. */
  zeroDivision?: ZeroDivision;
  /** Scheme for strict mode (ignored in default mode, as in seqeval). */
  scheme?: SchemeName | null;
}

const AVERAGES: readonly Exclude<Average, null | 'none'>[] = ['micro', 'macro', 'weighted'];

/**
 * The per-type and averaged scores of seqeval's `classification_report`:
 * rows per entity type (sorted), then `micro avg`, `macro avg`, `weighted avg`.
 * The text form has seqeval's exact layout; the dict form (`outputDict: true`)
 * is what evaluate's seqeval metric is built from.
 *
 * Like seqeval, the text form throws {@link SeqevalValueError} when neither side
 * has an entity (Python's `max()` of no names); the dict form then has only the
 * average rows (macro average NaN).
 */
export function classificationReport(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options: ClassificationReportOptions & { outputDict: true },
): ClassificationReportDict;
export function classificationReport(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options?: ClassificationReportOptions & { outputDict?: false },
): string;
export function classificationReport(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options?: ClassificationReportOptions,
): string | ClassificationReportDict;
export function classificationReport(
  yTrue: readonly (readonly string[])[],
  yPred: readonly (readonly string[])[],
  options: ClassificationReportOptions = {},
): string | ClassificationReportDict {
  checkOptionNames(options, 'classification_report');
  const sink = new WarningSink(options.onWarning);
  const digits = options.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0) {
    throw new SeqevalValueError(`digits must be a non-negative integer, got ${digits}`);
  }
  const suffix = options.suffix ?? false;
  const zeroDivision = options.zeroDivision ?? 'warn';
  const settingsOf = (average: Average): PrfSettings => ({
    average,
    warnFor: ['precision', 'recall', 'f-score'],
    beta: 1,
    zeroDivision,
  });
  validatePrfSettings(settingsOf(null));
  const explicitScheme = options.scheme === undefined || options.scheme === null ? null : options.scheme;
  const strictScheme = explicitScheme === null ? null : schemeByName(explicitScheme);

  let pair: EntityPair;
  if (options.mode === 'strict') {
    // seqeval.metrics.v1.classification_report: lengths first, then the scheme, then the entities.
    checkConsistentLength(yTrue, yPred);
    const scheme = strictScheme ?? schemeByName(autoDetect(yTrue, { suffix }));
    pair = extractStrictPair(yTrue, yPred, scheme, suffix);
  } else {
    // Default mode: the type names come from get_entities before any length check.
    pair = extractDefaultPair(yTrue, yPred, suffix, sink);
  }

  let writer: ReportWriter<string | ClassificationReportDict>;
  if (options.outputDict) {
    writer = new DictReportWriter();
  } else {
    const present = new Set<number>();
    for (const list of [pair.trueEntities, pair.predEntities]) {
      for (let i = 0; i < list.length; i++) present.add(list.types[i]!);
    }
    if (present.size === 0) {
      throw new SeqevalValueError(
        'max() arg is an empty sequence: the text report needs at least one entity in yTrue or yPred ' +
          '(seqeval raises ValueError here); use outputDict: true for the averages alone',
      );
    }
    let nameWidth = 0;
    for (const id of present) nameWidth = Math.max(nameWidth, codePointLength(pair.interner.names[id]!));
    writer = new TextReportWriter(Math.max(nameWidth, 'weighted avg'.length, digits), digits);
  }

  checkConsistentLength(yTrue, yPred);
  const counts = countPair(pair);
  const perType = prfFromCounts(counts, settingsOf(null), sink);
  const precision = perType.precision as number[];
  const recall = perType.recall as number[];
  const fScore = perType.fScore as number[];
  const support = perType.support as number[];
  counts.names.forEach((name, i) => {
    writer.write(name, precision[i]!, recall[i]!, fScore[i]!, support[i]!);
  });
  writer.writeBlank();
  for (const average of AVERAGES) {
    const row = prfFromCounts(counts, settingsOf(average), sink);
    writer.write(
      `${average} avg`,
      row.precision as number,
      row.recall as number,
      row.fScore as number,
      row.support as number,
    );
  }
  writer.writeBlank();
  return writer.report();
}
