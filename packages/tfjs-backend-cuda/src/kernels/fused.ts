/**
 * The fused kernels `@ner/models` calls by name (same inputs, attributes and outputs as
 * `@ner/tfjs-backend-native`'s): `NerLayerNorm`, `NerLayerNormGrad`, `NerGeluErf` and
 * `NerGeluErfGrad`. The optimizer's are in `adamw.ts`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CudaKernelArgs } from '../fallback.js';
import { defineKernel } from './registry.js';
import { ptrArgs, sizeOf } from './util.js';

import {
  GELU_ERF_GRAD_KERNEL,
  GELU_ERF_KERNEL,
  LAYER_NORM_GRAD_KERNEL,
  LAYER_NORM_KERNEL,
} from '../../../../tools/kernel-contract/index.js';

/** Input `name` of a kernel call, which must be float32. */
export function float32Input(args: CudaKernelArgs, kernel: string, name: string): tf.TensorInfo {
  const t = args.inputs[name] as tf.TensorInfo | undefined;
  if (t?.dtype !== 'float32') throw new Error(`${kernel}: input "${name}" must be a float32 tensor`);
  return t!;
}

function lastAxis(kernel: string, x: tf.TensorInfo): number {
  const n = x.shape[x.shape.length - 1];
  if (x.shape.length === 0 || !n)
    throw new Error(`${kernel}: x must have a non-empty last axis, got [${x.shape}]`);
  return n;
}

defineKernel(LAYER_NORM_KERNEL, (args) => {
  const x = float32Input(args, LAYER_NORM_KERNEL, 'x');
  const gamma = float32Input(args, LAYER_NORM_KERNEL, 'gamma');
  const beta = float32Input(args, LAYER_NORM_KERNEL, 'beta');
  const cols = lastAxis(LAYER_NORM_KERNEL, x);
  for (const [name, t] of [
    ['gamma', gamma],
    ['beta', beta],
  ] as const) {
    if (sizeOf(t.shape) !== cols) {
      throw new Error(`${LAYER_NORM_KERNEL}: ${name} has shape [${t.shape}], x's last axis is ${cols}`);
    }
  }
  const rows = sizeOf(x.shape) / cols;
  const { eps } = args.attrs as { eps: number };
  const backend = args.backend;
  const rowShape = x.shape.slice(0, -1);
  const [y, mean, rstd] = backend.makeOutputs([
    [x.shape, 'float32'],
    [rowShape, 'float32'],
    [rowShape, 'float32'],
  ]) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
  if (rows > 0) {
    backend.launchRows('ner_layer_norm_f32', rows, [
      ...ptrArgs(backend, x, gamma, beta, y, mean, rstd),
      { i32: rows },
      { i32: cols },
      { f32: eps },
    ]);
  }
  return [y, mean, rstd];
});

defineKernel(LAYER_NORM_GRAD_KERNEL, (args) => {
  const names = ['dy', 'x', 'gamma', 'mean', 'rstd'] as const;
  const [dy, x, gamma, mean, rstd] = names.map((name) =>
    float32Input(args, LAYER_NORM_GRAD_KERNEL, name),
  ) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
  const cols = lastAxis(LAYER_NORM_GRAD_KERNEL, x);
  if (!tf.util.arraysEqual(dy.shape, x.shape)) {
    throw new Error(`${LAYER_NORM_GRAD_KERNEL}: dy has shape [${dy.shape}], x has [${x.shape}]`);
  }
  const rows = sizeOf(x.shape) / cols;
  const backend = args.backend;
  const [dx, dgamma, dbeta] = backend.makeOutputs([
    [x.shape, 'float32'],
    [[cols], 'float32'],
    [[cols], 'float32'],
  ]) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
  // dgamma and dbeta accumulate across rows with atomics: they start at zero.
  backend.device.fill32(backend.ptrOf(dgamma), 0, cols);
  backend.device.fill32(backend.ptrOf(dbeta), 0, cols);
  if (rows > 0) {
    backend.launchRows(
      'ner_layer_norm_grad_f32',
      rows,
      [...ptrArgs(backend, dy, x, gamma, mean, rstd, dx, dgamma, dbeta), { i32: rows }, { i32: cols }],
      256,
      LAYER_NORM_GRAD_MAX_BLOCKS,
    );
  }
  return [dx, dgamma, dbeta];
});

/**
 * Blocks of `ner_layer_norm_grad_f32` at most. Each block keeps its columns' dgamma / dbeta sums in
 * registers over the rows it strides through and adds them with one atomic per column at the end,
 * so every block costs 2 x cols atomics on the same cols addresses: one block per row of a
 * bert-base batch (4,096 rows) would be 6.3M atomics per call, 1,024 blocks (about 8 per
 * multiprocessor of an H100, at 256 threads each) a quarter of that.
 */
export const LAYER_NORM_GRAD_MAX_BLOCKS = 1024;

defineKernel(GELU_ERF_KERNEL, (args) => {
  const x = float32Input(args, GELU_ERF_KERNEL, 'x');
  const backend = args.backend;
  const y = backend.makeOutput(x.shape, 'float32');
  const n = sizeOf(x.shape);
  if (n > 0) backend.launch('ner_gelu_erf_f32', n, [...ptrArgs(backend, x, y), { i32: n }]);
  return y;
});

defineKernel(GELU_ERF_GRAD_KERNEL, (args) => {
  const dy = float32Input(args, GELU_ERF_GRAD_KERNEL, 'dy');
  const x = float32Input(args, GELU_ERF_GRAD_KERNEL, 'x');
  if (!tf.util.arraysEqual(dy.shape, x.shape)) {
    throw new Error(`${GELU_ERF_GRAD_KERNEL}: dy has shape [${dy.shape}], x has [${x.shape}]`);
  }
  const backend = args.backend;
  const dx = backend.makeOutput(x.shape, 'float32');
  const n = sizeOf(x.shape);
  if (n > 0) {
    backend.launch('ner_gelu_erf_grad_f32', n, [...ptrArgs(backend, dy, x, dx), { i32: n }]);
  }
  return dx;
});
