export type { AccumulatedBatch } from './accumulating-metric.js';
export { accuracyScore, type PerformanceMeasure, performanceMeasure } from './accuracy.js';
export { type AutoDetectOptions, autoDetect } from './auto-detect.js';
export { type ClassificationReportOptions, classificationReport } from './classification-report.js';
export type { TagSequences } from './default-entities.js';
export { Entities, type EntitiesOptions, type StrictEntityTuple } from './entities.js';
// Every error class seqeval's Python exceptions map to, and PythonErrorType.
export * from './errors.js';
export { type EntityTuple, type GetEntitiesOptions, getEntities } from './get-entities.js';
export type { Mode, PrfsOptions, ScoreOptions } from './options.js';
export type { Average, PrecisionRecallFscoreSupport, WarnFor, ZeroDivision } from './prf.js';
export type { ClassificationReportDict, ReportRow } from './report-writer.js';
export { SCHEME_NAMES, type SchemeName } from './scheme.js';
export {
  type AveragedOptions,
  type EntityScore,
  f1Score,
  type PerTypeOptions,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  type SentenceTags,
} from './scores.js';
export {
  computeSeqeval,
  type EntityTypeScores,
  Seqeval,
  type SeqevalBatch,
  type SeqevalComputeOptions,
  type SeqevalExample,
  type SeqevalResult,
} from './seqeval-metric.js';
export type { SeqevalWarning, SeqevalWarningCategory, WarningHandler, WarningOptions } from './warnings.js';
export { type AlignedTags, predictionsToTags, type ShapedArray } from './predictions-to-tags.js';
