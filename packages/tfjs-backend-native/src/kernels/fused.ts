/**
 * Fused LayerNorm and erf-GELU kernels, forward and backward, under names of their own that
 * `@ner/models` looks for (`tf.getKernel(name, tf.getBackend())`) and calls inside a
 * `tf.customGrad`; backends without them run the models' composite ops. The contract:
 *
 * - `NerLayerNorm` inputs `{x, gamma, beta}`, attr `eps`: normalizes over the last axis of x;
 *   outputs `[y (x's shape), mean, rstd]`, the last two one value per row (shape x.shape minus
 *   the last axis), `rstd = 1 / sqrt(biased variance + eps)`.
 * - `NerLayerNormGrad` inputs `{dy, x, gamma, mean, rstd}`: outputs `[dx, dgamma, dbeta]`.
 * - `NerGeluErf` input `{x}`: `0.5 x (1 + erf(x / sqrt 2))`.
 * - `NerGeluErfGrad` inputs `{dy, x}`: `dy * (Phi(x) + x phi(x))`.
 *
 * float32 only; other dtypes throw (the models only call them on float32 activations).
 */
import type * as tf from '@tensorflow/tfjs-core';
import {
  GELU_ERF_GRAD_KERNEL,
  GELU_ERF_KERNEL,
  LAYER_NORM_GRAD_KERNEL,
  LAYER_NORM_KERNEL,
} from '../../../../tools/kernel-contract/index.js';
import { requireAddon } from '../addon.js';
import { type KernelArgs, float32Of, outputArray } from './util.js';

// The fused kernels' names are one contract for both @ner backends (tools/kernel-contract).
export { GELU_ERF_GRAD_KERNEL, GELU_ERF_KERNEL, LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL };

function float32(args: KernelArgs, kernel: string, name: string): Float32Array {
  const t = args.inputs[name] as tf.TensorInfo | undefined;
  const values = t ? float32Of(args.backend, t) : null;
  if (!values) throw new Error(`${kernel}: input "${name}" must be a float32 tensor`);
  return values;
}

function lastAxis(kernel: string, x: tf.TensorInfo): number {
  const n = x.shape[x.shape.length - 1];
  if (x.shape.length === 0 || !n)
    throw new Error(`${kernel}: x must have a non-empty last axis, got [${x.shape}]`);
  return n;
}

export function layerNormKernel(args: KernelArgs): tf.TensorInfo[] {
  const x = args.inputs.x as tf.TensorInfo;
  const n = lastAxis(LAYER_NORM_KERNEL, x);
  const values = float32(args, LAYER_NORM_KERNEL, 'x');
  const rows = values.length / n;
  const y = outputArray(values.length);
  const mean = new Float32Array(rows);
  const rstd = new Float32Array(rows);
  const { eps } = args.attrs as { eps: number };
  requireAddon().layerNorm(
    values,
    float32(args, LAYER_NORM_KERNEL, 'gamma'),
    float32(args, LAYER_NORM_KERNEL, 'beta'),
    y,
    mean,
    rstd,
    n,
    eps,
  );
  const rowShape = x.shape.slice(0, -1);
  return [
    args.backend.makeTensorInfo([...x.shape], 'float32', y),
    args.backend.makeTensorInfo(rowShape, 'float32', mean),
    args.backend.makeTensorInfo(rowShape, 'float32', rstd),
  ];
}

export function layerNormGradKernel(args: KernelArgs): tf.TensorInfo[] {
  const x = args.inputs.x as tf.TensorInfo;
  const n = lastAxis(LAYER_NORM_GRAD_KERNEL, x);
  const values = float32(args, LAYER_NORM_GRAD_KERNEL, 'x');
  const dx = outputArray(values.length);
  const dgamma = new Float32Array(n);
  const dbeta = new Float32Array(n);
  requireAddon().layerNormGrad(
    float32(args, LAYER_NORM_GRAD_KERNEL, 'dy'),
    values,
    float32(args, LAYER_NORM_GRAD_KERNEL, 'gamma'),
    float32(args, LAYER_NORM_GRAD_KERNEL, 'mean'),
    float32(args, LAYER_NORM_GRAD_KERNEL, 'rstd'),
    dx,
    dgamma,
    dbeta,
    n,
  );
  return [
    args.backend.makeTensorInfo([...x.shape], 'float32', dx),
    args.backend.makeTensorInfo([n], 'float32', dgamma),
    args.backend.makeTensorInfo([n], 'float32', dbeta),
  ];
}

export function geluErfKernel(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const values = float32(args, GELU_ERF_KERNEL, 'x');
  const y = outputArray(values.length);
  requireAddon().geluErf(values, y);
  return args.backend.makeTensorInfo([...x.shape], 'float32', y);
}

export function geluErfGradKernel(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const values = float32(args, GELU_ERF_GRAD_KERNEL, 'x');
  const dx = outputArray(values.length);
  requireAddon().geluErfGrad(float32(args, GELU_ERF_GRAD_KERNEL, 'dy'), values, dx);
  return args.backend.makeTensorInfo([...x.shape], 'float32', dx);
}
