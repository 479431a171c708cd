import { SUM_SQUARES_MULTI_KERNEL, backendHasKernel, sumSquaresInputName } from '@ner/models/internal';
import * as tf from '@tensorflow/tfjs-core';

/** Result of {@link clipGradNorm}. */
export interface ClippedGradients {
  /** The global L2 norm of the gradients before clipping (torch's return value). */
  readonly totalNorm: number;
  /** New gradient tensors (scaled by `min(1, maxNorm / (totalNorm + 1e-6))`); the caller disposes them. */
  readonly grads: Map<string, tf.Tensor>;
}

/**
 * `torch.nn.utils.clip_grad_norm_` with the L2 norm, which `accelerator.clip_grad_norm_` calls:
 * the norm of the per-tensor norms, then every gradient times `min(maxNorm / (total + 1e-6), 1)`.
 * The input tensors are left alone.
 */
export function clipGradNorm(grads: ReadonlyMap<string, tf.Tensor>, maxNorm: number): ClippedGradients {
  const totalNorm = globalGradNorm(grads);
  const coefficient = Math.min(maxNorm / (totalNorm + 1e-6), 1);
  const out = new Map<string, tf.Tensor>();
  // torch multiplies by the clamped coefficient every time; x * 1 is x bit for bit, so at 1 (the
  // usual case once training settles) a clone, which shares the data, skips a pass over every
  // gradient and its allocation.
  for (const [name, grad] of grads)
    out.set(name, coefficient === 1 ? tf.clone(grad) : tf.mul(grad, coefficient));
  return { totalNorm, grads: out };
}

/** The global L2 norm of a set of gradients (norm of the per-tensor norms); 0 for none. */
export function globalGradNorm(grads: ReadonlyMap<string, tf.Tensor>): number {
  if (grads.size === 0) return 0;
  return tf.tidy(() => {
    // sqrt(sum(x * x)): the same numbers as tf.norm, whose abs and generic pow(x, 2) made this
    // ~8% of a small model's training step on native. The square roots are taken once, over all
    // the sums stacked: the same values as one root per tensor (sqrt is elementwise), and one op
    // where there were as many as tensors (199 of a bert-base step's engine ops).
    return tf.norm(tf.sqrt(sumsOfSquares(grads))).dataSync()[0]!;
  });
}

/**
 * Each gradient's sum of squares, as a vector: one `NerSumSquaresMulti` call where the backend
 * has it (cuda: two launches for all, as torch's `_foreach_norm`), else a Square and a Sum per
 * gradient, stacked.
 */
function sumsOfSquares(grads: ReadonlyMap<string, tf.Tensor>): tf.Tensor {
  const all = [...grads.values()];
  if (backendHasKernel(SUM_SQUARES_MULTI_KERNEL) && all.every((grad) => grad.dtype === 'float32')) {
    const inputs: tf.NamedTensorMap = {};
    all.forEach((grad, i) => {
      inputs[sumSquaresInputName(i)] = grad;
    });
    return tf.engine().runKernel(SUM_SQUARES_MULTI_KERNEL, inputs) as tf.Tensor;
  }
  return tf.stack(all.map((grad) => tf.sum(tf.square(grad))));
}
