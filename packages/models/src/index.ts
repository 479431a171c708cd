/**
 * @ner/models: BERT and DistilBERT encoders with token and sequence
 * classification heads on TensorFlow.js, reading and writing Hugging Face
 * `config.json` + `model.safetensors` (PyTorch key names and layouts).
 *
 * Trainer-facing API (see README): `model.namedParameters()` gives
 * `[pytorchName, tf.Variable]`; `model.computeLoss(batch, {training})` is the
 * scalar to differentiate; `model.computeGradients(batch, {training})` returns
 * `{loss, grads: Map<pytorchName, Tensor>}`; `model.setSeed(seed)` fixes
 * dropout masks; `model.savePretrained(dir)` writes a checkpoint Python loads.
 */
export {
  type AnyConfig,
  AutoConfig,
  type AutoConfigOptions,
  AutoModel,
  AutoModelForSequenceClassification,
  AutoModelForTokenClassification,
  type BaseModel,
  type SequenceClassificationModel,
  type TokenClassificationModel,
} from './auto.js';
export {
  type AutocastBackend,
  type AutocastDtype,
  AutocastUnsupportedError,
  autocastSupported,
  matMulAutocast,
  withAutocast,
} from './autocast.js';
export {
  matMulTf32,
  setMatMulTf32,
  type Tf32Backend,
  Tf32UnsupportedError,
  tf32Supported,
} from './matmul-tf32.js';
export {
  BACKEND_PREFERENCE,
  type BackendChoice,
  type BackendInfo,
  type InitBackendOptions,
  initBackend,
  resetBackendChoice,
} from './backend.js';
export { BertConfig, type BertConfigOptions } from './bert/config.js';
export {
  BertForSequenceClassification,
  BertForTokenClassification,
  BertModel,
  type BertModelOptions,
} from './bert/models.js';
export { BertForMaskedLM } from './bert/bert-for-masked-lm.js';
export { BertMaskedLMHead } from './bert/masked-lm-head.js';
export { DistilBertConfig, type DistilBertConfigOptions } from './distilbert/config.js';
export {
  DistilBertForSequenceClassification,
  DistilBertForTokenClassification,
  DistilBertModel,
} from './distilbert/models.js';
export { BaseEncoderModel, type BaseModelOptions } from './base-model.js';
export {
  ClassificationHeadModel,
  type HeadConfig,
  SequenceClassificationHeadModel,
  TokenClassificationHeadModel,
} from './classification-heads.js';
export {
  type AutoTask,
  modelClassByName,
  modelClassFor,
  type ModelType,
  type RegisteredClass,
} from './registry.js';
export {
  BackendError,
  CheckpointError,
  ConfigError,
  InputError,
  ModelsError,
  SafetensorsError,
} from './errors.js';
export { registerGradients } from './gradients.js';
export type { FromPretrainedOptions, LoadLogger, WeightDtype } from './load-pretrained.js';
export {
  binaryCrossEntropyWithLogits,
  crossEntropyIgnoringIndex,
  IGNORE_INDEX,
  meanSquaredError,
} from './losses.js';
export type { HubOptions } from '@ner/hub';
export type { ModelFileOptions } from './model-files.js';
export type {
  BaseModelOutput,
  BatchTensorLike,
  ForwardOptions,
  ModelBatch,
  LayerOutputs,
  ModelOutput,
} from './model-io.js';
export {
  type PretrainedConfigOptions,
  PretrainedConfig,
  type ProblemType,
  TRANSFORMERS_VERSION,
} from './pretrained-config.js';
export {
  type LoadingInfo,
  type LossAndGradients,
  type ModelClass,
  type ModelInitOptions,
  PreTrainedModel,
} from './pretrained-model.js';
export {
  entryToFloat32,
  entryToInt32,
  type Float32TensorData,
  MAX_HEADER_BYTES,
  parseSafetensors,
  readSafetensors,
  type SafetensorsEntry,
  type SafetensorsFile,
  serializeSafetensors,
} from './safetensors.js';
export type { SafetensorsDtype } from './safetensors-dtype.js';
export type { ModuleType } from './parameter-registry.js';
export { SaveError, writeFileAtomic } from './save-pretrained.js';
export { CONFIG_LIMITS } from './config-limits.js';
export { MAX_JSON_FILE_BYTES } from './bounded-json-file.js';
