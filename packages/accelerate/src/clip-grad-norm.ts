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
  for (const [name, grad] of grads) out.set(name, tf.mul(grad, coefficient));
  return { totalNorm, grads: out };
}

/** The global L2 norm of a set of gradients (norm of the per-tensor norms); 0 for none. */
export function globalGradNorm(grads: ReadonlyMap<string, tf.Tensor>): number {
  if (grads.size === 0) return 0;
  return tf.tidy(() => {
    const norms = [...grads.values()].map((grad) => tf.norm(grad));
    return tf.norm(tf.stack(norms)).dataSync()[0]!;
  });
}
