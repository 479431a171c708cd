/**
 * What a training attempt that ran out of memory may have changed, saved before it starts, so
 * `autoFindBatchSize` retries from the same place at a smaller batch size.
 *
 * Python's `find_executable_batch_size` reruns `_inner_training_loop` on whatever the failed
 * attempt left: weights already updated by the steps that fitted, an optimizer holding their
 * moments, a schedule of the user's already advanced. Memory usually runs out at the first
 * step, where nothing has changed yet, but a longer batch later in the epoch can fail after
 * hundreds of updates; then the retry trains on top of them. Here it starts again from the
 * weights and states the run began with, so the result is the run at the smaller size.
 */
import { assignCheckpointWeights } from '@ner/models/internal';
import type { AdamW, AdamWStateDict } from './adamw.js';
import type { LambdaLR, SchedulerStateDict } from './schedules.js';
import type { TrainableModel } from './trainable-model.js';

/** A saved starting point; {@link RetryPoint.restore} puts it back (any number of times). */
export interface RetryPoint {
  restore(): void;
}

/**
 * Saves the weights of `model` (to host memory, one copy; left out with `weights: false`, for a
 * run that resumes from a checkpoint and so reloads them anyway), and the state of `optimizer`
 * and `lrScheduler` when given (those the Trainer did not create: it makes its own afresh).
 */
export function saveRetryPoint(
  model: TrainableModel,
  parts: { weights: boolean; optimizer?: AdamW | undefined; lrScheduler?: LambdaLR | undefined },
): RetryPoint {
  const params = model.namedParameters();
  // dataSync may hand back the backend's own storage (cpu): copy it, the attempt will overwrite it.
  const weights = parts.weights
    ? params.map(([, variable]) => Float32Array.from(variable.dataSync() as Float32Array))
    : undefined;
  const optimizer = parts.optimizer;
  const optimizerState = optimizer === undefined ? undefined : copiedStateDict(optimizer.stateDict());
  const lrScheduler = parts.lrScheduler;
  const schedulerState: SchedulerStateDict | undefined = lrScheduler?.stateDict();
  return {
    restore() {
      if (weights !== undefined) assignCheckpointWeights(params, weights);
      if (optimizer !== undefined && optimizerState !== undefined) {
        // Moments of weights the attempt stepped but the saved state never had must go too.
        optimizer.dispose();
        optimizer.loadStateDict(optimizerState);
      }
      if (lrScheduler !== undefined && schedulerState !== undefined)
        lrScheduler.loadStateDict(schedulerState);
    },
  };
}

/** `stateDict()`'s moments may be the backend's storage, which an in-place AdamW step rewrites. */
function copiedStateDict(dict: AdamWStateDict): AdamWStateDict {
  const state: AdamWStateDict['state'] = {};
  for (const [name, entry] of Object.entries(dict.state)) {
    state[name] = {
      step: entry.step,
      expAvg: { shape: [...entry.expAvg.shape], data: Float32Array.from(entry.expAvg.data) },
      expAvgSq: { shape: [...entry.expAvgSq.shape], data: Float32Array.from(entry.expAvgSq.data) },
    };
  }
  return { ...dict, state };
}
