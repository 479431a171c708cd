/**
 * The running training loss behind the `loss` log entries and `train_loss`
 * (Python's `tr_loss` / `_total_loss_scalar` / `_globalstep_last_logged`).
 */
import type { Accelerator } from '@ner/accelerate';
import type * as tf from '@tensorflow/tfjs-core';
import { roundTo } from './speed-metrics.js';
import type { LogEntry } from './trainer-state.js';

/** Mean of a per-process number over all processes (the number itself when alone). */
export async function meanOverProcesses(accelerator: Accelerator, value: number): Promise<number> {
  if (accelerator.numProcesses === 1) return value;
  const group = await accelerator.connect();
  return (await group.allReduce(Float32Array.of(value), 'mean'))[0]!;
}

/** Sums the micro-batch losses between logs and over the whole run. */
export class TrainingLossTracker {
  private running = 0;
  private total = 0;
  private lastLoggedStep = 0;
  /**
   * Global gradient norm of the last optimizer step (before clipping), left on the device until
   * a log reads it, as Python's Trainer keeps `grad_norm` a tensor until `.item()` in
   * `_maybe_log_save_evaluate`; none without clipping.
   */
  private gradNorm: tf.Scalar | undefined;

  constructor(private readonly accelerator: Accelerator) {}

  /** Starts a run at `globalStep` (0, or the step of the resumed checkpoint). */
  start(globalStep: number): void {
    this.running = 0;
    this.total = 0;
    this.lastLoggedStep = globalStep;
    this.setGradNorm(undefined);
  }

  /** Keeps the step's gradient norm (the tracker disposes it), dropping the one before. */
  setGradNorm(norm: tf.Scalar | undefined): void {
    this.gradNorm?.dispose();
    this.gradNorm = norm;
  }

  /** Adds a micro-batch's share of the loss (already divided by the accumulation steps). */
  add(loss: number): void {
    this.running += loss;
  }

  /**
   * The log entry since the last one (`loss` averaged over the steps and the
   * processes, `grad_norm`, `learning_rate`), or undefined when no step was
   * taken since.
   */
  async takeLogs(globalStep: number, learningRate: number): Promise<LogEntry | undefined> {
    if (globalStep <= this.lastLoggedStep) return undefined;
    // Python logs the mean over processes of each process's running loss.
    const running = await meanOverProcesses(this.accelerator, this.running);
    const logs: LogEntry = { loss: roundTo(running / (globalStep - this.lastLoggedStep), 4) };
    if (this.gradNorm !== undefined) logs.grad_norm = (await this.gradNorm.data())[0]!;
    logs.learning_rate = learningRate;
    this.total += running;
    this.running = 0;
    this.lastLoggedStep = globalStep;
    return logs;
  }

  /** `train_loss`: the mean loss per optimizer step over the whole run. The norm is let go. */
  async trainLoss(globalStep: number): Promise<number> {
    this.setGradNorm(undefined);
    this.total += await meanOverProcesses(this.accelerator, this.running);
    this.running = 0;
    return this.total / Math.max(globalStep, 0.001);
  }
}
