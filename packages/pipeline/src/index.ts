/**
 * @ner/pipeline: `pipeline('ner' | 'sentiment-analysis', ...)`, the pipeline
 * classes, their options and results, and their errors. The post-processing
 * steps and loaders are in `@ner/pipeline/internal`.
 */
export { AGGREGATION_STRATEGIES, type AggregationStrategy } from './aggregation-strategy.js';
export {
  InvalidPipelineOptionError,
  PipelineError,
  PipelineInputShapeError,
  PipelineModelError,
  UnknownAggregationStrategyError,
} from './errors.js';
export {
  type PipelineSource,
  pipeline,
  type TextClassificationTask,
  type TextClassifier,
  type TokenClassificationTask,
  type TokenClassifier,
} from './factory.js';
export type {
  PipelineBatch,
  PipelineLogits,
  PipelineModel,
  PipelineTokenizer,
  TokenizerTraits,
} from './pipeline-interfaces.js';
export type { TokenClassificationCallOptions } from './sanitize-parameters.js';
export {
  TextClassificationPipeline,
  type TextClassificationPipelineOptions,
} from './text-classification-pipeline.js';
export type { ClassificationFunction, LabelScore } from './text-classification-postprocess.js';
export {
  TokenClassificationPipeline,
  type TokenClassificationPipelineOptions,
} from './token-classification-pipeline.js';
export type { GroupedEntity, Id2Label, Offset, TokenClassificationOutput, TokenEntity } from './types.js';
