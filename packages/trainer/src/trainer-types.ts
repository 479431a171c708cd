import type { CollateFn, HostTensor, RowSource } from '@ner/collate';
import type * as tf from '@tensorflow/tfjs-core';
import type { Accelerator } from '@ner/accelerate';
import type { AdamW } from './adamw.js';
import type { TrainerCallback } from './callbacks.js';
import type { toModelInputs } from './model-batch.js';
import type { LambdaLR } from './schedules.js';
import type { TrainableModel } from './trainable-model.js';
import type { TrainingArguments, TrainingArgumentsOptions } from './training-arguments.js';
import type { ListIsWhole, UnlistedOptions } from '@ner/models/internal';

/** What `computeMetrics` receives (Python `EvalPrediction`): logits padded with -100 across batches. */
export interface EvalPrediction {
  /** `[N, T, C]` (token heads, T = longest batch) or `[N, C]`, float32. */
  readonly predictions: HostTensor;
  /** `[N, T]` or `[N]`, int32 (float32 for float labels); -100 where padded. Null without labels. */
  readonly labelIds: HostTensor | null;
}

export type ComputeMetrics = (
  prediction: EvalPrediction,
) => Record<string, number> | Promise<Record<string, number>>;

/** Anything that can save tokenizer files next to the model (Python's `processing_class` / `tokenizer`). */
export interface ProcessingClass {
  savePretrained(dir: string): unknown;
}

/** Options of `Trainer` (Python keyword arguments, camelCased). */
export interface TrainerOptions<Row = unknown> {
  model: TrainableModel;
  args: TrainingArguments | TrainingArgumentsOptions;
  trainDataset?: RowSource<Row>;
  evalDataset?: RowSource<Row>;
  /** Rows → batch (a function or an object with `collate`); default: `defaultDataCollator` of @ner/collate. */
  dataCollator?: CollateFn<Row, unknown>;
  computeMetrics?: ComputeMetrics;
  /** Tokenizer or processor: its files are saved into every checkpoint. */
  processingClass?: ProcessingClass;
  /** Deprecated Python alias of `processingClass`. */
  tokenizer?: ProcessingClass;
  callbacks?: TrainerCallback[];
  /**
   * `[optimizer, scheduler]` to use instead of the default AdamW + `lrSchedulerType`. With
   * `maxGradNorm > 0` the Trainer clips through `step(grads, { gradMultiplier })`: a subclass
   * that overrides `step` passes the options on, or the gradients go unclipped.
   */
  optimizers?: [AdamW | undefined, LambdaLR | undefined];
  /**
   * The process group to train in; default `new Accelerator()`, which joins the processes
   * started by `ner-launch` (RANK / WORLD_SIZE) or runs alone.
   */
  accelerator?: Accelerator;
}

/** Every option of {@link TrainerOptions}; the compiler checks the list is whole. */
export const TRAINER_OPTION_NAMES = [
  'model',
  'args',
  'trainDataset',
  'evalDataset',
  'dataCollator',
  'computeMetrics',
  'processingClass',
  'tokenizer',
  'callbacks',
  'optimizers',
  'accelerator',
] as const satisfies readonly (keyof TrainerOptions)[];

/** A compile error here names an option to add to TRAINER_OPTION_NAMES. */
export const trainerOptionNamesAreWhole: ListIsWhole<
  UnlistedOptions<TrainerOptions, typeof TRAINER_OPTION_NAMES>
> = true;

/** Python's Trainer keyword arguments with no counterpart here, with why. */
export const TRAINER_UNSUPPORTED_OPTIONS = {
  modelInit: { reason: 'pass a model (there is no hyperparameter search here)', harmless: [null] },
  computeLossFunc: { reason: 'override computeLoss in a subclass of Trainer', harmless: [null] },
  preprocessLogitsForMetrics: {
    reason: 'computeMetrics receives the logits as they are; reduce them there',
    harmless: [null],
  },
  optimizerClsAndKwargs: { reason: 'pass an optimizer through optimizers', harmless: [null] },
} as const;

/** Result of `Trainer.train` (Python `TrainOutput`). */
export interface TrainOutput {
  globalStep: number;
  trainingLoss: number;
  metrics: Record<string, number>;
}

/** Result of `Trainer.predict` (Python `PredictionOutput`). */
export interface PredictionOutput {
  predictions: HostTensor;
  labelIds: HostTensor | null;
  metrics: Record<string, number>;
}

/** Result of `Trainer.evaluationLoop` (Python `EvalLoopOutput`): gathered over every process. */
export interface EvalLoopOutput extends PredictionOutput {
  /** Rows evaluated (all processes). */
  numSamples: number;
}

/** A collated batch as the data loader yields it (Python keys: `input_ids`, `labels`, ...). */
export type CollatedBatch = Record<string, unknown>;

/** A batch as tfjs tensors, the way the model takes it (Python's `_prepare_inputs` result). */
export type PreparedInputs = ReturnType<typeof toModelInputs>;

/** What the model's `forward` returns: `logits`, and `loss` when the inputs hold labels. */
export type ModelOutputs = ReturnType<TrainableModel['forward']>;

/** `computeLoss`'s result: the loss, or `[loss, outputs]` when asked for the outputs. */
export type ComputeLossResult = tf.Scalar | [tf.Scalar, ModelOutputs];

/** `trainingStep`'s result: the loss and gradients of one micro-batch, both divided by the accumulation steps. */
export interface TrainingStepOutput {
  /** The micro-batch loss / accumulation steps (Python's detached return value). */
  loss: number;
  /** Gradients by parameter name (what `loss.backward()` leaves in `.grad`); the caller disposes them. */
  grads: Map<string, tf.Tensor>;
}

/** `predictionStep`'s result (Python's `(loss, logits, labels)`); the caller disposes the tensors. */
export interface PredictionStepOutput {
  /** Mean loss of the batch, when it has labels. */
  loss: tf.Scalar | undefined;
  /** Logits, unless `predictionLossOnly` (or `ignoreKeys` holds `logits`). */
  logits: tf.Tensor | undefined;
  /** The batch labels, unless `predictionLossOnly`. */
  labels: tf.Tensor | undefined;
}
