/**
 * `@ner/models/internal`: pieces other `@ner` packages and backends share with the models, not
 * needed to use them. No stability promise beyond the package's own version.
 */
export {
  ADAMW_GRAD_MULTIPLIER_INPUT,
  ADAMW_KERNEL,
  ADAMW_MULTI_KERNEL,
  DROPOUT_KERNEL,
  GELU_ERF_GRAD_KERNEL,
  GELU_ERF_KERNEL,
  LAYER_NORM_GRAD_KERNEL,
  INFERENCE_KERNELS,
  LAYER_NORM_KERNEL,
  LINEAR_GELU_KERNEL,
  LINEAR_RESIDUAL_LAYER_NORM_KERNEL,
  QKV_PROJECTION_KERNEL,
  SELF_ATTENTION_KERNEL,
  SUM_SQUARES_MULTI_KERNEL,
  sumSquaresInputName,
  type AdamWKernelAttrs,
  adamwMultiInputNames,
  backendHasKernel,
  fusedDropout,
} from './fused-kernels.js';
export {
  assignCheckpointWeights,
  checkpointTensorValues,
  type NamedVariables,
  readCheckpointJson,
  readCheckpointSafetensors,
  readCheckpointWeights,
} from './checkpoint-weights.js';
export { describeValue } from './describe-value.js';
export {
  assertOptionNames,
  type ListIsWhole,
  type OptionNameProblem,
  type OptionNames,
  snakeToCamel,
  type UnlistedOptions,
  type UnsupportedOption,
  unknownOptionProblem,
} from './option-names.js';
export { fixLegacyKey } from './load-pretrained.js';
export { leanVariableGrads } from './lean-gradients.js';
export { withLeanSaves } from './lean-tensors.js';
export type {
  EncoderResult,
  LayerStackResult,
  MainLayer,
  ModelFamily,
  SequenceSummary,
} from './model-family.js';
export { prepareInputs, type PreparedInputs, pythonKeys } from './model-io.js';
export { createLayerNorm, createLinear, type ModuleWeights } from './module-weights.js';
export { FLOAT32_MIN, type ForwardContext, geluErf, linear } from './nn.js';
export { BERT_FAMILY } from './bert/family.js';
export { DISTILBERT_FAMILY } from './distilbert/family.js';
export { SeededRandom } from './seeded-random.js';
export { describeSystemCode } from './system-errors.js';
export { processMayBeAlive, temporariesInProgress, writerMayBeActive } from './temporary-writers.js';
