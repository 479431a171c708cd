/**
 * Gradient accumulation over micro-batches, as accelerate's `GradientAccumulationPlugin` steps it:
 * a counter that says on which call the gradients are synchronised (and the optimizer may step),
 * and the running sum of the micro-batches' gradients in between.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Adds `next` into `sum` (disposing the tensors it replaces and `next`'s); `sum` undefined starts
 * a new total with `next` itself. Returns the total.
 */
export function accumulateGrads(
  sum: Map<string, tf.Tensor> | undefined,
  next: Map<string, tf.Tensor>,
): Map<string, tf.Tensor> {
  if (sum === undefined) return next;
  for (const [name, grad] of next) {
    const previous = sum.get(name);
    if (previous === undefined) {
      sum.set(name, grad);
      continue;
    }
    sum.set(name, tf.add(previous, grad));
    previous.dispose();
    grad.dispose();
  }
  return sum;
}

/** Multiplies every gradient by `factor`, disposing the inputs (a factor of 1 returns them). */
export function scaleGrads(grads: Map<string, tf.Tensor>, factor: number): Map<string, tf.Tensor> {
  if (factor === 1) return grads;
  const out = new Map<string, tf.Tensor>();
  for (const [name, grad] of grads) {
    out.set(
      name,
      tf.tidy(() => tf.mul(grad, tf.scalar(factor, grad.dtype))),
    );
    grad.dispose();
  }
  return out;
}

/**
 * Whether this micro-batch ends an accumulation group (accelerate's `_do_sync`): the last batch of
 * a prepared loader always does, and starts the count again; otherwise every `steps`-th call does.
 * Returns the new count with the answer.
 */
export function nextSync(
  count: number,
  steps: number,
  endOfDataloader: boolean,
): { count: number; sync: boolean } {
  if (endOfDataloader) return { count: 0, sync: true };
  const next = count + 1;
  return { count: next, sync: next % steps === 0 };
}
