/**
 * The epochs and optimizer steps of `Trainer.train` (Python's
 * `_inner_training_loop` and `_maybe_log_save_evaluate`), written against
 * the few Trainer members they use.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Accelerator, PreparedDataLoader } from '@ner/accelerate';
import type { AdamW } from './adamw.js';
import { type CallbackHandler, TrainerControl } from './callbacks.js';
import { loadModelWeights } from './checkpoint.js';
import { clipCoefficient, gradNormTensor } from '@ner/accelerate';
import { accumulateGrads } from '@ner/accelerate/internal';
import type { LambdaLR } from './schedules.js';
import { speedMetrics } from './speed-metrics.js';
import type { TrainableModel } from './trainable-model.js';
import type { TrainerState } from './trainer-state.js';
import type { CollatedBatch, TrainingStepOutput, TrainOutput } from './trainer-types.js';
import type { TrainingArguments } from './training-arguments.js';
import { meanOverProcesses, type TrainingLossTracker } from './training-logs.js';
import { accumulationGroupSize, type TrainingPlan } from './training-plan.js';

/** What the loop needs from the Trainer; the functions call its (overridable) methods. */
export interface TrainingLoopHost {
  readonly args: TrainingArguments;
  readonly state: TrainerState;
  readonly control: TrainerControl;
  readonly callbacks: CallbackHandler;
  readonly model: TrainableModel;
  readonly accelerator: Accelerator;
  readonly optimizer: AdamW;
  readonly lrScheduler: LambdaLR;
  readonly losses: TrainingLossTracker;
  trainingStep(batch: CollatedBatch, accumulationSteps: number): TrainingStepOutput;
  evaluate(): Promise<Record<string, number>>;
  saveCheckpoint(metrics: Record<string, number> | undefined): Promise<unknown>;
  log(logs: Record<string, number>): void;
}

/** Trains from `state.globalStep` (0, or a resumed checkpoint's) to `plan.maxSteps`. */
export async function runTrainingLoop<Row>(
  host: TrainingLoopHost,
  loader: PreparedDataLoader<Row, unknown>,
  plan: TrainingPlan,
): Promise<TrainOutput> {
  const { args, state, control, callbacks, model } = host;
  const accum = args.gradientAccumulationSteps;
  const epochsTrained = Math.floor(state.globalStep / plan.updatesPerEpoch);
  // Python's ignore_data_skip restarts the interrupted epoch from its first batch.
  const batchesToSkip = args.ignoreDataSkip ? 0 : (state.globalStep % plan.updatesPerEpoch) * accum;
  host.losses.start(state.globalStep);
  const started = performance.now();
  Object.assign(control, new TrainerControl());
  await callbacks.call('onTrainBegin', args, state, control);
  if (args.evalOnStart) await host.evaluate();
  for (let epoch = epochsTrained; epoch < plan.numTrainEpochs && !control.shouldTrainingStop; epoch++) {
    loader.setEpoch(epoch);
    await callbacks.call('onEpochBegin', args, state, control);
    let grads: Map<string, tf.Tensor> | undefined;
    let accumulated = 0;
    try {
      for (const { batch, step } of loader.steps()) {
        if (epoch === epochsTrained && step < batchesToSkip) continue;
        if (accumulated === 0) await callbacks.call('onStepBegin', args, state, control);
        // Dropout masks depend only on (seed, epoch, step), so a resumed run draws the same ones.
        model.setSeed?.((args.seed * 7919 + epoch * 1_000_003 + step) >>> 0);
        const groupSize = accumulationGroupSize(step, plan.batchesPerEpoch, accum);
        const micro = host.trainingStep(batch as CollatedBatch, groupSize);
        host.losses.add(micro.loss);
        grads = accumulateGrads(grads, micro.grads);
        accumulated += 1;
        if (accumulated === accum || step === plan.batchesPerEpoch - 1) {
          await optimizerStep(host, grads);
          grads = undefined;
          accumulated = 0;
          state.globalStep += 1;
          state.epoch = epoch + (step + 1) / plan.batchesPerEpoch;
          await callbacks.call('onStepEnd', args, state, control);
          await maybeLogSaveEvaluate(host);
        }
        if (control.shouldEpochStop || control.shouldTrainingStop) break;
      }
    } finally {
      // Gradients gathered for an update that will not come (the epoch stopped early, or a step
      // threw: out of memory under autoFindBatchSize retries in the same memory).
      if (grads !== undefined) tf.dispose([...grads.values()]);
    }
    await callbacks.call('onEpochEnd', args, state, control);
    await maybeLogSaveEvaluate(host);
  }
  if (args.loadBestModelAtEnd && state.bestModelCheckpoint !== null) {
    await loadModelWeights(state.bestModelCheckpoint, model.namedParameters());
  }
  const trainLoss = await host.losses.trainLoss(state.globalStep);
  // Python's store_flos sums the work of every process.
  const processes = host.accelerator.numProcesses;
  if (processes > 1)
    state.totalFlos = (await meanOverProcesses(host.accelerator, state.totalFlos)) * processes;
  const metrics: Record<string, number> = {
    ...speedMetrics('train', started, plan.numTrainSamples, plan.maxSteps),
    total_flos: state.totalFlos,
    train_loss: trainLoss,
  };
  host.log(metrics);
  await callbacks.call('onLog', args, state, control, { logs: metrics });
  await callbacks.call('onTrainEnd', args, state, control);
  return { globalStep: state.globalStep, trainingLoss: trainLoss, metrics };
}

/**
 * Averages the gradients over processes, clips them, and steps optimizer and scheduler. The
 * clipping stays on the device (torch's `clip_grad_norm_` returns a tensor and scales in place):
 * the norm and its coefficient are tensors, the optimizer multiplies each gradient by the
 * coefficient as it updates, and the norm is read only when a log asks for it. So the host
 * never waits here, and goes on to queue the next batch while the device works.
 */
async function optimizerStep(host: TrainingLoopHost, grads: Map<string, tf.Tensor>): Promise<void> {
  const use = await host.accelerator.reduceGradients(grads);
  try {
    if (host.args.maxGradNorm > 0) {
      const totalNorm = gradNormTensor(use);
      host.losses.setGradNorm(totalNorm);
      const coefficient = clipCoefficient(totalNorm, host.args.maxGradNorm);
      try {
        host.optimizer.step(use, { gradMultiplier: coefficient });
      } finally {
        coefficient.dispose();
      }
    } else {
      host.losses.setGradNorm(undefined);
      host.optimizer.step(use);
    }
  } finally {
    tf.dispose([...use.values()]);
  }
  host.lrScheduler.step();
}

/** Acts on the control flags: logs the running loss, evaluates, saves (Python `_maybe_log_save_evaluate`). */
async function maybeLogSaveEvaluate(host: TrainingLoopHost): Promise<void> {
  const { control, state } = host;
  if (control.shouldLog) {
    const logs = await host.losses.takeLogs(state.globalStep, host.lrScheduler.getLastLr()[0]!);
    if (logs !== undefined) {
      host.log(logs);
      await host.callbacks.call('onLog', host.args, state, control, { logs });
    }
  }
  control.shouldLog = false;
  let metrics: Record<string, number> | undefined;
  if (control.shouldEvaluate) {
    control.shouldEvaluate = false;
    metrics = await host.evaluate();
  }
  if (control.shouldSave) {
    control.shouldSave = false;
    await host.saveCheckpoint(metrics);
  }
}
