import { EvaluateTypeError, EvaluateValueError } from './errors.js';
import { checkTargets, type Label, type LabelArray, uniqueLabels } from './labels.js';
import { ALL_SCORES, type AveragedScores, computePrf, type PerLabelScores, scoresFromCounts } from './prf.js';
import type { ZeroDivision } from './prf-options.js';
import { alignRight, codePointLength, formatFixed } from '@ner/seqeval/internal';
import { formatPythonFloat } from './python-format.js';
import { npSum } from './numpy-sum.js';
import { type WarningOptions, WarningSink } from './warnings.js';
import { checkOptionNames } from './option-names.js';

/** One row of the report dict, with scikit-learn's keys (`f1-score`). */
export interface ReportRow {
  precision: number;
  recall: number;
  'f1-score': number;
  support: number;
}

/**
 * The dict form: a row per label (named by `targetNames` or the label), then
 * `accuracy` (a number) or `micro avg`, then `macro avg` and `weighted avg`.
 * Keys that look like integers (`'0'`, `'1'`) iterate in numeric order in
 * JavaScript, whatever order the labels were given in.
 */
export type ClassificationReportDict = Record<string, ReportRow | number>;

/** Options of {@link classificationReport}. */
export interface ClassificationReportOptions extends WarningOptions {
  /** Labels to report, in order (default: every label of `yTrue` and `yPred`, sorted). */
  labels?: readonly Label[] | null;
  /** Display names of the labels, in the same order. */
  targetNames?: readonly string[] | null;
  /** One weight per sample. */
  sampleWeight?: ArrayLike<number> | null;
  /** Digits after the point in the text report (default 2). */
  digits?: number;
  /** Return the dict form instead of text. */
  outputDict?: boolean;
  /** Value of 0/0 scores (default `'warn'`). */
  zeroDivision?: ZeroDivision;
}

const HEADERS = ['precision', 'recall', 'f1-score'] as const;

/**
 * scikit-learn's `classification_report`: precision, recall, F1 and support of
 * each label and their averages, as text laid out exactly as Python prints it,
 * or as a dict with `outputDict: true`.
 *
 * @example
 * console.log(classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], { targetNames: ['a', 'b', 'c'] }));
 * //               precision    recall  f1-score   support
 * //
 * //            a       0.50      1.00      0.67         1
 * //            b       0.00      0.00      0.00         1
 * //            c       1.00      0.67      0.80         3
 * //
 * //     accuracy                           0.60         5
 * //    macro avg       0.50      0.56      0.49         5
 * // weighted avg       0.70      0.60      0.61         5
 */
export function classificationReport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: ClassificationReportOptions & { outputDict: true },
): ClassificationReportDict;
export function classificationReport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: ClassificationReportOptions & { outputDict?: false },
): string;
export function classificationReport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options?: ClassificationReportOptions,
): string | ClassificationReportDict;
export function classificationReport(
  yTrue: LabelArray,
  yPred: LabelArray,
  options: ClassificationReportOptions = {},
): string | ClassificationReportDict {
  checkOptionNames(options, 'classification_report');
  const sink = new WarningSink(options.onWarning);
  const digits = options.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0 || digits > 50) {
    throw new EvaluateValueError(`digits must be an integer in [0, 50]; got ${String(digits)}`);
  }
  const targets = checkTargets(yTrue, yPred);
  if (options.labels !== null && options.labels !== undefined && !Array.isArray(options.labels)) {
    throw new EvaluateTypeError('classificationReport: labels must be an array of labels');
  }
  const givenNames = options.targetNames;
  if (givenNames !== null && givenNames !== undefined) {
    if (!Array.isArray(givenNames) || givenNames.some((n) => typeof n !== 'string')) {
      throw new EvaluateTypeError('classificationReport: targetNames must be an array of strings');
    }
  }
  const labelsGiven = options.labels !== null && options.labels !== undefined;
  const labels = labelsGiven ? options.labels! : uniqueLabels(yTrue, yPred);
  // "accuracy" replaces "micro avg" when every label is reported (micro P = R = F1 = accuracy then).
  const presentSet = new Set(targets.present);
  const givenSet = new Set(labels);
  const microIsAccuracy =
    !labelsGiven || (givenSet.size === presentSet.size && [...givenSet].every((l) => presentSet.has(l)));
  let names = options.targetNames ?? null;
  if (names !== null && labels.length !== names.length) {
    if (!labelsGiven) {
      throw new EvaluateValueError(
        `Number of classes, ${labels.length}, does not match size of targetNames, ${names.length}. ` +
          'Try specifying the labels option',
      );
    }
    sink.warn(
      'UserWarning',
      `labels size, ${labels.length}, does not match size of targetNames, ${names.length}`,
    );
  }
  names ??= labels.map((l) => String(l));
  const common = {
    labels,
    sampleWeight: options.sampleWeight ?? null,
    zeroDivision: options.zeroDivision ?? 'warn',
  };
  const perLabel = computePrf(yTrue, yPred, { ...common, average: null }, sink);
  const scores = perLabel.scores as PerLabelScores;
  // Python's zip stops at the shorter of the names and the labels.
  const rowCount = Math.min(names.length, labels.length);
  const rows: [string, number, number, number, number][] = [];
  for (let i = 0; i < rowCount; i++) {
    rows.push([names[i]!, scores.precision[i]!, scores.recall[i]!, scores.fScore[i]!, scores.support[i]!]);
  }
  // Python fails on the longest name (max() of nothing) before it averages anything.
  if (!options.outputDict && names.length === 0) {
    throw new EvaluateValueError('classificationReport: there are no labels to report');
  }
  const totalSupport = npSum(scores.support);
  const averages = (['micro', 'macro', 'weighted'] as const).map((average) => {
    const heading = average === 'micro' && microIsAccuracy ? 'accuracy' : `${average} avg`;
    // Same checks and counts as the per-label call (posLabel is the default 1, so
    // nothing else can warn): only the averaging differs.
    const settings = { average, beta: 1, warnFor: ALL_SCORES, zeroDivision: common.zeroDivision };
    const avg = scoresFromCounts(perLabel.counts, settings, sink) as AveragedScores;
    return { heading, avg };
  });

  if (options.outputDict) {
    const report: ClassificationReportDict = {};
    for (const [name, p, r, f, s] of rows)
      report[name] = { precision: p, recall: r, 'f1-score': f, support: s };
    for (const { heading, avg } of averages) {
      report[heading] =
        heading === 'accuracy'
          ? avg.precision
          : { precision: avg.precision, recall: avg.recall, 'f1-score': avg.fScore, support: totalSupport };
    }
    return report;
  }

  const formatSupport = (s: number) => (perLabel.counts.isFloat ? formatPythonFloat(s) : String(s));
  const longestHeading = 'weighted avg';
  const width = Math.max(...names.map(codePointLength), longestHeading.length, digits);
  const cell = (v: number) => ` ${alignRight(formatFixed(v, digits), 9)}`;
  const row = (name: string, p: number, r: number, f: number, s: number) =>
    `${alignRight(name, width)} ${cell(p)}${cell(r)}${cell(f)} ${alignRight(formatSupport(s), 9)}\n`;
  let text = `${alignRight('', width)} ${HEADERS.map((h) => ` ${alignRight(h, 9)}`).join('')} ${alignRight('support', 9)}`;
  text += '\n\n';
  for (const [name, p, r, f, s] of rows) text += row(name, p, r, f, s);
  text += '\n';
  for (const { heading, avg } of averages) {
    if (heading === 'accuracy') {
      const blank = ` ${' '.repeat(9)}`;
      text += `${alignRight(heading, width)} ${blank}${blank}${cell(avg.fScore)} ${alignRight(formatSupport(totalSupport), 9)}\n`;
    } else {
      text += row(heading, avg.precision, avg.recall, avg.fScore, totalSupport);
    }
  }
  return text;
}
