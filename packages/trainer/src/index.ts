/**
 * @ner/trainer: AdamW and learning-rate schedules exactly like PyTorch /
 * transformers, the Hugging Face `Trainer` with `TrainingArguments` and
 * checkpoints, and an `Accelerator` for hand-written (multi-process) loops.
 */
export {
  AdamW,
  type AdamWOptions,
  type AdamWStateDict,
  type ParamGroup,
  type ParamGroupInput,
} from './adamw.js';
export { type ClippedGradients, clipGradNorm, globalGradNorm } from './clip-grad-norm.js';
export {
  CheckpointError,
  CollectiveError,
  NonFiniteLossError,
  OptimizerError,
  TrainerError,
  TrainingArgumentsError,
} from './errors.js';
export {
  getDecayParameterNames,
  type ModelWithParameters,
  nameRuleParameterGroups,
  trainerParameterGroups,
} from './parameter-groups.js';
export {
  getScheduler,
  LambdaLR,
  SCHEDULER_TYPES,
  type SchedulableOptimizer,
  type SchedulerOptions,
  type SchedulerStateDict,
  type SchedulerType,
  scheduleLambda,
} from './schedules.js';
export type { TrainableModel, TrainerBatch } from './trainable-model.js';
