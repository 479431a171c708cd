/**
 * @ner/pipeline/internal: the building blocks behind `pipeline()`, for tools,
 * tests and people who rebuild a pipeline by hand: the post-processing steps
 * as plain functions (Python's `gather_pre_entities`, `aggregate`, ...), the
 * float32 arithmetic, option checking, loaders and the `@ner/models` adapter.
 * Not covered by semver like the main entry point.
 */
export { aggregateWord, aggregateWords, type LabelledSpan } from './aggregate-words.js';
export { isWordLevelStrategy, parseAggregationStrategy } from './aggregation-strategy.js';
export { highlightEntities } from './cli/highlight.js';
export { type EncodedInput, encodeWindows } from './encode-windows.js';
export * from './float32-math.js';
export { getTag, groupEntities, groupSubEntities } from './group-entities.js';
export { labelCount, labelOf } from './id2label.js';
export * from './load-pretrained.js';
export { fromNerModel, isNerModel, type NerModel } from './models-adapter.js';
export { aggregateOverlappingEntities } from './overlapping-entities.js';
export { PipelineBase } from './pipeline-base.js';
export {
  aggregate,
  postprocessTokenClassification,
  type TokenClassificationPostprocessOptions,
  type TokenClassificationWindow,
} from './postprocess.js';
export { gatherPreEntities, type PreEntity, type PreEntityInput } from './pre-entities.js';
export { runBatched } from './run-batched.js';
export {
  type SanitizedTokenClassificationParameters,
  sanitizeTokenClassificationParameters,
  type TokenizerLimits,
} from './sanitize-parameters.js';
export {
  type ClassificationConfig,
  defaultClassificationFunction,
  parseClassificationFunction,
  postprocessTextClassification,
} from './text-classification-postprocess.js';
