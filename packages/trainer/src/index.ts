/**
 * @ner/trainer: AdamW and learning-rate schedules exactly like PyTorch /
 * transformers, and the Hugging Face `Trainer` with `TrainingArguments` and
 * checkpoints. Multi-process runs (the `Accelerator`, process groups,
 * `ner-launch`) live in `@ner/accelerate`.
 *
 * This entry holds what a user needs; the helpers behind it (checkpoint
 * rotation, metric formatting, TensorBoard record framing...) are in
 * `@ner/trainer/internal`, which follows no compatibility promise.
 */
export {
  AdamW,
  type AdamWOptions,
  type AdamWStateDict,
  type AdamWStepOptions,
  type ParamGroup,
  type ParamGroupInput,
} from './adamw.js';
export { HubPushError } from './hub-errors.js';
export type { HubStrategy } from './hub-arguments.js';
export type { HubPusher, PushToHubOptions } from './hub-push.js';
export type { TrainOptions } from './method-option-names.js';
export type { ModelCardOptions } from './hub-model-card.js';
// One definition, in @ner/accelerate (whose Accelerator clips too); the Trainer's users find it here as before.
export {
  type ClippedGradients,
  clipCoefficient,
  clipCoefficientOf,
  clipGradNorm,
  globalGradNorm,
  gradNormTensor,
} from '@ner/accelerate';
// Every error class (CheckpointError and SaveError are @ner/models' own, re-exported there).
export * from './errors.js';
export {
  getDecayParameterNames,
  type ModelWithParameters,
  nameRuleParameterGroups,
  trainerParameterGroups,
} from './parameter-groups.js';
export {
  getScheduler,
  LambdaLR,
  SCHEDULER_KWARGS,
  SCHEDULER_TYPES,
  type SchedulableOptimizer,
  type SchedulerKwargs,
  type SchedulerOptions,
  type SchedulerStateDict,
  type SchedulerType,
  scheduleLambda,
} from './schedules.js';
export type { TrainableModel } from './trainable-model.js';
export {
  type CallbackEvent,
  type CallbackExtras,
  CallbackHandler,
  type CallbackHook,
  EarlyStoppingCallback,
  type EarlyStoppingOptions,
  type TrainerCallback,
  TrainerControl,
} from './callbacks.js';
export {
  getLastCheckpoint,
  loadModelWeights,
  type OrphanCleanup,
  PREFIX_CHECKPOINT_DIR,
  removeOrphanTemps,
} from './checkpoint.js';
export { DefaultFlowCallback } from './default-flow-callback.js';
export {
  formatDuration,
  JsonlLoggerCallback,
  type LineWriter,
  PrinterCallback,
  ProgressCallback,
} from './logging-callbacks.js';
export { IGNORE_INDEX, labelSmoothedLoss } from './label-smoother.js';
export { type ModelInputs, toModelInputs } from './model-batch.js';
export { SummaryWriter, TensorBoardCallback } from './tensorboard.js';
export { Trainer } from './trainer.js';
export type {
  CollatedBatch,
  ComputeLossResult,
  ComputeMetrics,
  EvalLoopOutput,
  EvalPrediction,
  ModelOutputs,
  PredictionOutput,
  PredictionStepOutput,
  PreparedInputs,
  ProcessingClass,
  TrainerOptions,
  TrainingStepOutput,
  TrainOutput,
} from './trainer-types.js';
export { type LogEntry, TrainerState } from './trainer-state.js';
export {
  type IntervalStrategy,
  type ReportTarget,
  TrainingArguments,
  type TrainingArgumentsOptions,
} from './training-arguments.js';
