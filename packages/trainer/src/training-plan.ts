/** The arithmetic of the training loop: how many steps and epochs, and gradient accumulation. */
import { type RowSource, rowAt, rowCount } from '@ner/collate';
import * as tf from '@tensorflow/tfjs-core';
import { leanVariableGrads } from '@ner/models/internal';
import { AdamW } from './adamw.js';
import { TrainerError } from './errors.js';
import { nameRuleParameterGroups, trainerParameterGroups } from './parameter-groups.js';
import type { TrainableModel } from './trainable-model.js';
import type { ComputeLossResult } from './trainer-types.js';
import { TrainerState } from './trainer-state.js';
import type { TrainingArguments } from './training-arguments.js';

/** How long a run is (Python's `max_steps`, `num_train_epochs`, `num_train_samples`). */
export interface TrainingPlan {
  /** Rows per batch on each process: `perDeviceTrainBatchSize`, or what `autoFindBatchSize` or a resumed checkpoint set. */
  batchSize: number;
  batchesPerEpoch: number;
  updatesPerEpoch: number;
  maxSteps: number;
  numTrainEpochs: number;
  numTrainSamples: number;
}

/** `maxSteps` wins over `numTrainEpochs`; an epoch has `ceil(batches / accumulation)` updates. */
export function planTraining(
  args: TrainingArguments,
  batchSize: number,
  batchesPerEpoch: number,
  numRows: number,
  numProcesses: number,
): TrainingPlan {
  const accum = args.gradientAccumulationSteps;
  const updatesPerEpoch = Math.max(Math.ceil(batchesPerEpoch / accum), 1);
  if (args.maxSteps > 0) {
    const maxSteps = args.maxSteps;
    return {
      batchSize,
      batchesPerEpoch,
      updatesPerEpoch,
      maxSteps,
      numTrainEpochs: Math.floor(maxSteps / updatesPerEpoch) + (maxSteps % updatesPerEpoch > 0 ? 1 : 0),
      numTrainSamples: maxSteps * batchSize * accum * numProcesses,
    };
  }
  return {
    batchSize,
    batchesPerEpoch,
    updatesPerEpoch,
    maxSteps: Math.ceil(args.numTrainEpochs * updatesPerEpoch),
    numTrainEpochs: Math.ceil(args.numTrainEpochs),
    numTrainSamples: numRows * args.numTrainEpochs,
  };
}

/** A `loggingSteps`-like value: an integer, or a ratio of `maxSteps` when < 1. */
export function resolveSteps(value: number, maxSteps: number): number {
  return value < 1 ? Math.ceil(maxSteps * value) : value;
}

/**
 * Micro-batches in the accumulation group of batch `step`: the epoch's last
 * update may gather fewer, and averages over those it has.
 */
export function accumulationGroupSize(step: number, batchesPerEpoch: number, accum: number): number {
  const fullGroupsEnd = Math.floor(batchesPerEpoch / accum) * accum;
  return step >= fullGroupsEnd ? batchesPerEpoch - fullGroupsEnd : accum;
}

/** The lengths stored in a column, for `groupByLength` with a custom `lengthColumnName`. */
export function columnLengths(dataset: RowSource<unknown>, column: string): number[] {
  const count = rowCount(dataset);
  const out: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const value = (rowAt(dataset, i) as Record<string, unknown>)[column];
    if (typeof value !== 'number') {
      throw new TrainerError(`groupByLength: row ${i} has no numeric '${column}' column (lengthColumnName)`);
    }
    out[i] = value;
  }
  return out;
}

/** Resets `state` for a new run of `plan` (Python's fresh `TrainerState` in `_inner_training_loop`). */
export function startRunState(state: TrainerState, args: TrainingArguments, plan: TrainingPlan): void {
  const { isWorldProcessZero, isLocalProcessZero } = state;
  Object.assign(state, new TrainerState(), { isWorldProcessZero, isLocalProcessZero });
  state.maxSteps = plan.maxSteps;
  state.numTrainEpochs = plan.numTrainEpochs;
  state.trainBatchSize = plan.batchSize;
  state.loggingSteps = resolveSteps(args.loggingSteps, plan.maxSteps);
  state.evalSteps = resolveSteps(args.evalSteps, plan.maxSteps);
  state.saveSteps = resolveSteps(args.saveSteps, plan.maxSteps);
}

/** Weights outside embeddings (Python's `num_parameters(exclude_embeddings=True)`), for `total_flos`. */
export function nonEmbeddingParameterCount(model: TrainableModel): number {
  const types = model.parameterModuleTypes?.();
  return model
    .namedParameters()
    .filter(([name]) => types?.get(name) !== 'Embedding')
    .reduce((sum, [, variable]) => sum + variable.size, 0);
}

/**
 * Loss and gradients of `lossFn` with respect to the model's trainable
 * weights (the `loss.backward()` step), gradients by parameter name and
 * divided by `accumulationSteps`; the loss as a number, undivided.
 */
export function lossAndGradients(
  model: TrainableModel,
  lossFn: () => tf.Scalar,
  accumulationSteps: number,
): { loss: number; grads: Map<string, tf.Tensor> } {
  const named = model.namedParameters().filter(([, variable]) => variable.trainable);
  // First order only, as computeGradients: saves without Identity clones, and each node's saves
  // and gradients freed once its gradient has run.
  const { value, grads: byVariable } = leanVariableGrads(
    lossFn,
    named.map(([, variable]) => variable),
  );
  const loss = value.dataSync()[0]!;
  value.dispose();
  const grads = new Map<string, tf.Tensor>();
  for (const [name, variable] of named) {
    const grad = byVariable[variable.name];
    if (!grad) continue;
    if (accumulationSteps === 1) grads.set(name, grad);
    else {
      grads.set(name, tf.div(grad, accumulationSteps));
      grad.dispose();
    }
  }
  return { loss, grads };
}

/** The loss of a `Trainer.computeLoss` result, with or without outputs. */
export function lossOf(result: ComputeLossResult): tf.Scalar {
  return Array.isArray(result) ? result[0] : result;
}

/** The Trainer's default optimizer: AdamW over the no-decay groups, with the arguments' settings. */
export function createAdamW(model: TrainableModel, args: TrainingArguments): AdamW {
  const groups =
    model.parameterModuleTypes !== undefined
      ? trainerParameterGroups(model, args.weightDecay)
      : nameRuleParameterGroups(model, args.weightDecay);
  return new AdamW(groups, {
    lr: args.learningRate,
    betas: [args.adamBeta1, args.adamBeta2],
    eps: args.adamEpsilon,
    weightDecay: args.weightDecay,
  });
}

/** How the training rows are batched: shuffled with the data seed, grouped by length when asked. */
export function trainLoaderOptions(args: TrainingArguments, dataset: RowSource<unknown>, batchSize: number) {
  const column = args.lengthColumnName;
  const lengths = args.groupByLength && column !== 'length' ? columnLengths(dataset, column) : undefined;
  return {
    ...(lengths !== undefined ? { lengths } : {}),
    batchSize,
    shuffle: true,
    seed: args.dataSeed ?? args.seed,
    dropLast: args.dataloaderDropLast,
    groupByLength: args.groupByLength,
  };
}
