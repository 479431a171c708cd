export { type AccuracyOptions, accuracyScore } from './accuracy.js';
export {
  type ClassificationReportDict,
  type ClassificationReportOptions,
  classificationReport,
  type ReportRow,
} from './classification-report.js';
export {
  type ConfusionMatrixOptions,
  type ConfusionNormalize,
  confusionMatrix,
  MAX_CONFUSION_CELLS,
} from './confusion-matrix.js';
export {
  EvaluateError,
  EvaluateTypeError,
  EvaluateValueError,
  EvaluateZeroDivisionError,
  type PythonErrorType,
} from './errors.js';
export { type Label, type LabelArray, type TargetType, uniqueLabels } from './labels.js';
export type { AveragedScores, PerLabelScores } from './prf.js';
export type { Average, PrfOptions, WarnFor, ZeroDivision } from './prf-options.js';
export {
  type Averaged,
  type FbetaOptions,
  type LabelScore,
  f1Score,
  fbetaScore,
  precisionRecallFscoreSupport,
  precisionScore,
  recallScore,
  type ScoreOptions,
} from './scores.js';
export type { EvaluateWarning, EvaluateWarningCategory, WarningHandler, WarningOptions } from './warnings.js';
export {
  Accuracy,
  ConfusionMatrix,
  F1,
  Precision,
  Recall,
  type ScoreValue,
} from './modules/classification-modules.js';
export { type CombinableModule, CombinedEvaluations, combine, type ModuleInput } from './modules/combine.js';
export { type Batch, EvaluationModule, type Example } from './modules/evaluation-module.js';
export { load, MODULE_NAMES, type ModuleName, type ModuleTypes } from './modules/load.js';
