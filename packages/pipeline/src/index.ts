export {
  AGGREGATION_STRATEGIES,
  type AggregationStrategy,
  isWordLevelStrategy,
  parseAggregationStrategy,
} from './aggregation-strategy.js';
export { aggregateWord, aggregateWords, type LabelledSpan } from './aggregate-words.js';
export {
  InvalidPipelineOptionError,
  PipelineError,
  PipelineInputShapeError,
  PipelineModelError,
  UnknownAggregationStrategyError,
} from './errors.js';
export {
  argmax,
  float32NanMean,
  float32NanMeanColumns,
  float32PairwiseSum,
  float32Softmax,
} from './float32-math.js';
export { getTag, groupEntities, groupSubEntities } from './group-entities.js';
export { labelCount, labelOf } from './id2label.js';
export { aggregateOverlappingEntities } from './overlapping-entities.js';
export {
  aggregate,
  postprocessTokenClassification,
  type TokenClassificationPostprocessOptions,
  type TokenClassificationWindow,
} from './postprocess.js';
export { gatherPreEntities, type PreEntity, type PreEntityInput } from './pre-entities.js';
export {
  type SanitizedTokenClassificationParameters,
  sanitizeTokenClassificationParameters,
  type TokenClassificationCallOptions,
  type TokenizerLimits,
} from './sanitize-parameters.js';
export type {
  PipelineBatch,
  PipelineLogits,
  PipelineModel,
  PipelineTokenizer,
} from './pipeline-interfaces.js';
export { runBatched } from './run-batched.js';
export {
  TextClassificationPipeline,
  type TextClassificationPipelineOptions,
} from './text-classification-pipeline.js';
export {
  TokenClassificationPipeline,
  type TokenClassificationPipelineOptions,
} from './token-classification-pipeline.js';
export { type TokenizerTraits, wordPieceTraits } from './tokenizer-traits.js';
export type { GroupedEntity, Id2Label, Offset, TokenClassificationOutput, TokenEntity } from './types.js';
export {
  type PadToken,
  type PipelineEncoding,
  padEncodings,
  planWindows,
  splitIntoWindows,
  type WindowPlan,
  windowSourceIndices,
} from './windows.js';
export { decodeWordPiece, type WordPieceDecoderOptions } from './wordpiece-decoder.js';
export {
  type ClassificationConfig,
  type ClassificationFunction,
  defaultClassificationFunction,
  type LabelScore,
  parseClassificationFunction,
  postprocessTextClassification,
} from './text-classification-postprocess.js';
export { highlightEntities } from './cli/highlight.js';
export { fromNerModel, isNerModel, type NerModel } from './models-adapter.js';
export {
  pipeline,
  type PipelineSource,
  type TextClassificationTask,
  type TextClassifier,
  type TokenClassificationTask,
  type TokenClassifier,
} from './factory.js';
export {
  loadPretrainedModel,
  loadPretrainedTokenizer,
  type PretrainedLoadOptions,
  toPipelineModel,
  toPipelineTokenizer,
} from './load-pretrained.js';
export {
  isLocalFolder,
  type PipelineFolderInfo,
  readPipelineFolder,
  requireId2Label,
} from './model-folder.js';
export { loadTokenizerFolder } from './tokenizer-adapter.js';
export { codePointToUtf16Offsets } from './utf16-offsets.js';
