/**
 * The bookkeeping of `Trainer.evaluationLoop`: what each `predictionStep`
 * returns is gathered over every process, concatenated with -100 padding and
 * turned into Python's prefixed metrics.
 */
import { HostTensor } from '@ner/collate';
import * as tf from '@tensorflow/tfjs-core';
import type { Accelerator, PreparedDataLoader } from '@ner/accelerate';
import { toHostAsync } from '@ner/accelerate/internal';
import { padAndConcatenate } from './nested-concat.js';
import { speedMetrics } from './speed-metrics.js';
import { TrainerError } from './errors.js';
import type { TrainableModel } from './trainable-model.js';
import type {
  ComputeLossResult,
  ComputeMetrics,
  EvalLoopOutput,
  PredictionStepOutput,
  PreparedInputs,
} from './trainer-types.js';
import type { TrainingArguments } from './training-arguments.js';

/** One evaluation step's tensors as host arrays ({@link readStep}). */
export interface HostStep {
  readonly loss: number | undefined;
  readonly logits: HostTensor | undefined;
  readonly labels: HostTensor | undefined;
}

/**
 * Reads a step's tensors to the host and then disposes them. The reads are queued at the call,
 * so the caller can queue the next batch's forward before awaiting: on an asynchronous backend
 * (cuda) the device then works on that batch while the host gathers this one.
 */
export async function readStep(step: PredictionStepOutput): Promise<HostStep> {
  try {
    const [loss, logits, labels] = await Promise.all([
      step.loss?.data(),
      step.logits === undefined ? undefined : toHostAsync(step.logits),
      step.labels === undefined ? undefined : toHostAsync(step.labels),
    ]);
    return { loss: loss?.[0] as number | undefined, logits, labels };
  } finally {
    tf.dispose([step.loss, step.logits, step.labels].filter((t): t is tf.Tensor => t !== undefined));
  }
}

/** Collects the steps of one evaluation loop across processes. */
export class EvalLoopGatherer {
  private readonly predictions: HostTensor[] = [];
  private readonly labels: HostTensor[] = [];
  private lossSum = 0;
  private lossCount = 0;
  private numSamples = 0;

  constructor(private readonly accelerator: Accelerator) {}

  /**
   * Gathers one step's results (read to the host by {@link readStep}) from every process;
   * `isLast`: whether it is the loader's last batch (the loop may have pulled the next one).
   */
  async add(step: HostStep, rows: number, isLast: boolean): Promise<void> {
    const endOfDataloader = { endOfDataloader: isLast };
    const accelerator = this.accelerator;
    let gatheredRows: number | undefined;
    if (step.loss !== undefined) {
      // Python repeats the batch loss per sample and gathers it, so eval_loss weighs batches by size.
      const perSample = new HostTensor(new Float32Array(rows).fill(step.loss), [rows], 'float32');
      const gathered = await accelerator.gatherForMetrics(perSample, endOfDataloader);
      for (const value of gathered.data) this.lossSum += value;
      this.lossCount += gathered.data.length;
      gatheredRows = gathered.data.length;
    }
    if (step.logits !== undefined) {
      const logits = await this.gatherPadded(step.logits, endOfDataloader);
      gatheredRows = logits.shape[0]!;
      this.predictions.push(logits);
    }
    if (step.labels !== undefined) this.labels.push(await this.gatherPadded(step.labels, endOfDataloader));
    this.numSamples += gatheredRows ?? rows * accelerator.numProcesses;
  }

  /** Processes may hold different sequence lengths: pad to the longest with -100, then gather. */
  private async gatherPadded(host: HostTensor, last: { endOfDataloader: boolean }): Promise<HostTensor> {
    const padded =
      host.shape.length > 1
        ? await this.accelerator.padAcrossProcesses(host, { dim: 1, padIndex: -100 })
        : host;
    return this.accelerator.gatherForMetrics(padded, last);
  }

  /** Predictions, labels and `<prefix>_*` metrics (`computeMetrics` runs when there are labels). */
  async finish(computeMetrics: ComputeMetrics | undefined, metricKeyPrefix: string): Promise<EvalLoopOutput> {
    const predictions =
      this.predictions.length > 0
        ? padAndConcatenate(this.predictions, -100)
        : new HostTensor(new Float32Array(0), [0], 'float32');
    const labelIds = this.labels.length > 0 ? padAndConcatenate(this.labels, -100) : null;
    let metrics: Record<string, number> = {};
    if (computeMetrics !== undefined && labelIds !== null && this.predictions.length > 0) {
      metrics = { ...(await computeMetrics({ predictions, labelIds })) };
    }
    if (this.lossCount > 0) metrics[`${metricKeyPrefix}_loss`] = this.lossSum / this.lossCount;
    return {
      predictions,
      labelIds,
      metrics: prefixMetrics(metrics, metricKeyPrefix),
      numSamples: this.numSamples,
    };
  }
}

/**
 * Python pops each key without the prefix and re-adds it prefixed, so those
 * come after the ones that had it (`eval_loss` first).
 */
export function prefixMetrics(metrics: Record<string, number>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  const entries = Object.entries(metrics);
  for (const [key, value] of entries) if (key.startsWith(`${prefix}_`)) out[key] = value;
  for (const [key, value] of entries) if (!key.startsWith(`${prefix}_`)) out[`${prefix}_${key}`] = value;
  return out;
}

/**
 * Rows in a collated batch (Python `find_batch_size`): dim 0 of `input_ids`,
 * else of the first field that has one.
 */
export function findBatchSize(batch: Record<string, unknown>): number {
  const fields = [batch.input_ids, ...Object.values(batch)];
  for (const field of fields) {
    if (Array.isArray(field)) return field.length;
    const shape = (field as { shape?: readonly number[] } | null | undefined)?.shape;
    if (Array.isArray(shape) && shape.length > 0) return shape[0]!;
  }
  return 0;
}

/**
 * Runs `predictionStep` on every batch of `dataloader` and gathers the
 * results (the body of `Trainer.evaluationLoop`); with logLevel 'info' or
 * 'debug' the main process announces the run as Python does.
 */
export async function runEvaluationLoop(
  dataloader: PreparedDataLoader<unknown, unknown>,
  description: string,
  predictionStep: (batch: Record<string, unknown>) => PredictionStepOutput,
  trainer: { accelerator: Accelerator; args: TrainingArguments; computeMetrics: ComputeMetrics | undefined },
  metricKeyPrefix: string,
): Promise<EvalLoopOutput> {
  const { accelerator, args } = trainer;
  if (accelerator.isMainProcess && (args.logLevel === 'info' || args.logLevel === 'debug')) {
    console.info(
      `***** Running ${description} *****\n  Num examples = ${dataloader.numRows}\n  Batch size = ${args.perDeviceEvalBatchSize}`,
    );
  }
  const gatherer = new EvalLoopGatherer(accelerator);
  // One batch ahead: batch i + 1's forward is queued before batch i's results are awaited and
  // gathered, so an asynchronous device (cuda) is not idle while the host gathers, collates and
  // queues. The gathering order, and so every collective, is the batches' order.
  let previous: { read: Promise<HostStep>; rows: number; isLast: boolean } | null = null;
  try {
    for (const { batch, isLast } of dataloader.steps()) {
      const step = predictionStep(batch as Record<string, unknown>);
      const rows = findBatchSize(batch as Record<string, unknown>);
      const done = previous;
      previous = { read: readStep(step), rows, isLast };
      if (done !== null) await gatherer.add(await done.read, done.rows, done.isLast);
    }
    const last = previous;
    previous = null;
    if (last !== null) await gatherer.add(await last.read, last.rows, last.isLast);
  } finally {
    // After an error: the batch read but not gathered still frees its tensors.
    await previous?.read.catch(() => undefined);
  }
  return gatherer.finish(trainer.computeMetrics, metricKeyPrefix);
}

/** Adds `<prefix>_runtime`, `_samples_per_second` and `_steps_per_second` to an evaluation's metrics. */
export function addSpeedMetrics(
  output: EvalLoopOutput,
  startMs: number,
  prefix: string,
  batchSize: number,
): void {
  const steps = Math.ceil(output.numSamples / batchSize);
  Object.assign(output.metrics, speedMetrics(prefix, startMs, output.numSamples, steps));
}

/**
 * The tensors of one evaluation batch (the body of `Trainer.predictionStep`):
 * the model runs without dropout; with labels, the loss and logits come from
 * `lossWithOutputs` (the trainer's `computeLoss` asked for its outputs). Only
 * what the caller keeps survives the `tf.tidy`; the caller disposes it.
 */
export function predictBatch(
  model: TrainableModel,
  prepared: PreparedInputs,
  lossWithOutputs: () => ComputeLossResult,
  predictionLossOnly: boolean,
  ignoreKeys: readonly string[] | undefined,
): PredictionStepOutput {
  const labels = prepared.labels;
  const [loss, logits] = tf.tidy(() => {
    let outputs: ReturnType<TrainableModel['forward']>;
    let loss: tf.Scalar | undefined;
    if (labels !== undefined) {
      const result = lossWithOutputs();
      if (!Array.isArray(result)) {
        throw new TrainerError('computeLoss must return [loss, outputs] when returnOutputs is true');
      }
      [loss, outputs] = result;
    } else {
      outputs = model.forward(prepared, { training: false });
    }
    const keep = !predictionLossOnly && !(ignoreKeys ?? []).includes('logits');
    return [loss, keep ? outputs.logits : undefined] as const;
  });
  if (predictionLossOnly) return { loss, logits: undefined, labels: undefined };
  return { loss, logits, labels: labels === undefined ? undefined : tf.clone(labels) };
}
