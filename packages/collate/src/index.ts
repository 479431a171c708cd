export { CollateConfigError, CollateError } from './errors.js';
export { HostTensor, type HostDType, type HostDataOf, type IntTensor } from './host-tensor.js';
export { type FeatureRow, tensorizeColumn } from './columns.js';
export type { BatchTensorLike, ModelBatch } from './model-batch.js';
export { type IndexedRows, type RowSource, rowAt, rowCount, isRowSource } from './row-source.js';
export {
  type CollatedBatch,
  type PaddedFeatures,
  type PaddingOption,
  type PaddingSide,
  type PaddingStrategy,
  type PadOptions,
  type PadTokenizerLike,
  type ResolvedPadOptions,
  padFeatures,
  padFeaturesDetailed,
  paddedLength,
  padSequences,
  resolvePadOptions,
} from './pad-features.js';
export type { BatchAs, ReturnTensors } from './return-tensors.js';
export { type TensorBatch, toTfjsTensor, toTfjsTensors } from './to-tfjs.js';
export {
  DataCollatorForTokenClassification,
  type TokenClassificationCollatorOptions,
} from './token-classification-collator.js';
export type { PaddedCollatorOptions } from './padded-collator.js';
export { DataCollatorWithPadding, type PaddingCollatorOptions } from './padding-collator.js';
export { DefaultDataCollator, type HostBatch, defaultDataCollator } from './default-collator.js';
export { Mt19937, randperm, seededPermutation } from './mt19937.js';
export { type Sampler, SeededRandomSampler, SequentialSampler } from './samplers.js';
export {
  LengthGroupedSampler,
  type LengthGroupedSamplerOptions,
  defaultMegabatchMult,
  groupIndicesByLength,
  measureLengths,
} from './length-grouping.js';
export { type ShardOptions, type ShardedBatch, batchIndices, shardBatches } from './shard-batches.js';
export { type CollateFn, DataLoader, type DataLoaderOptions, type LoaderStep } from './data-loader.js';
export {
  DataCollatorForLanguageModeling,
  type LanguageModelingCollatorOptions,
} from './language-modeling-collator.js';
