import { SUM_SQUARES_MULTI_KERNEL, backendHasKernel, sumSquaresInputName } from '@ner/models/internal';
import * as tf from '@tensorflow/tfjs-core';

/** Result of {@link clipGradNorm}. */
export interface ClippedGradients {
  /** The global L2 norm of the gradients before clipping (torch's return value). */
  readonly totalNorm: number;
  /** New gradient tensors (scaled by {@link clipCoefficientOf}); the caller disposes them. */
  readonly grads: Map<string, tf.Tensor>;
}

/** torch's `1e-6` in `max_norm / (total_norm + 1e-6)`, as its float32 arithmetic sees it. */
const NORM_EPSILON = Math.fround(1e-6);

/**
 * `torch.nn.utils.clip_grad_norm_` with the L2 norm, which `accelerator.clip_grad_norm_` calls:
 * the norm of the per-tensor norms, then every gradient times {@link clipCoefficientOf}. The
 * input tensors are left alone. Reads the norm on the host (a wait for the device); the Trainer
 * keeps it on the device instead ({@link gradNormTensor}, {@link clipCoefficient}).
 */
export function clipGradNorm(grads: ReadonlyMap<string, tf.Tensor>, maxNorm: number): ClippedGradients {
  const totalNorm = globalGradNorm(grads);
  const coefficient = clipCoefficientOf(totalNorm, maxNorm);
  const out = new Map<string, tf.Tensor>();
  // torch multiplies by the clamped coefficient every time; x * 1 is x bit for bit, so at 1 (the
  // usual case once training settles) a clone, which shares the data, skips a pass over every
  // gradient and its allocation.
  for (const [name, grad] of grads)
    out.set(name, coefficient === 1 ? tf.clone(grad) : tf.mul(grad, coefficient));
  return { totalNorm, grads: out };
}

/**
 * torch's clipping coefficient `clamp(max_norm / (total_norm + 1e-6), max=1)` for a float32
 * norm, in float32 as torch computes it: `max_norm / t` is `t.reciprocal() * max_norm`, each
 * step rounded. The same number {@link clipCoefficient} makes on the device.
 */
export function clipCoefficientOf(totalNorm: number, maxNorm: number): number {
  const f32 = Math.fround;
  const coefficient = f32(f32(1 / f32(totalNorm + NORM_EPSILON)) * f32(maxNorm));
  // clamp keeps NaN (a NaN norm); Math.min does too.
  return Math.min(coefficient, 1);
}

/**
 * {@link clipCoefficientOf} on the device, from the norm {@link gradNormTensor} left there: a
 * float32 scalar the caller disposes. Nothing is read back, so the host goes on queuing work
 * (the optimizer takes it as `gradMultiplier`).
 */
export function clipCoefficient(totalNorm: tf.Scalar, maxNorm: number): tf.Scalar {
  return tf.tidy(() => {
    const coefficient = tf.mul(tf.reciprocal(tf.add(totalNorm, NORM_EPSILON)), Math.fround(maxNorm));
    return tf.minimum(coefficient, 1) as tf.Scalar;
  });
}

/** The global L2 norm of a set of gradients (norm of the per-tensor norms); 0 for none. */
export function globalGradNorm(grads: ReadonlyMap<string, tf.Tensor>): number {
  if (grads.size === 0) return 0;
  const norm = gradNormTensor(grads);
  try {
    return norm.dataSync()[0]!;
  } finally {
    norm.dispose();
  }
}

/**
 * {@link globalGradNorm} as a float32 scalar left on the device (torch's `get_total_norm`): the
 * caller disposes it. No wait for the device, as torch's, whose `clip_grad_norm_` returns a
 * tensor the Trainer reads only when it logs.
 */
export function gradNormTensor(grads: ReadonlyMap<string, tf.Tensor>): tf.Scalar {
  if (grads.size === 0) return tf.scalar(0);
  return tf.tidy(() => {
    // sqrt(sum(x * x)): the same numbers as tf.norm, whose abs and generic pow(x, 2) made this
    // ~8% of a small model's training step on native. The square roots are taken once, over all
    // the sums stacked: the same values as one root per tensor (sqrt is elementwise), and one op
    // where there were as many as tensors (199 of a bert-base step's engine ops).
    return tf.norm(tf.sqrt(sumsOfSquares(grads))) as tf.Scalar;
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
