/**
 * Softmax and LogSoftmax over the last axis (`ner_softmax_f32`, `ner_log_softmax_f32`), and
 * Softmax's gradient in one pass (`NerSoftmaxGrad`, `ner_softmax_grad_f32`), which `@ner/models`'
 * Softmax gradient calls where the backend registers it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CudaKernelArgs } from '../fallback.js';
import { defineKernel, fallback } from './registry.js';
import { i32Args, ptrArgs, sizeOf } from './util.js';
import { SOFTMAX_GRAD_KERNEL } from '../../../../tools/kernel-contract/index.js';

function softmaxKernel(name: string, kernel: string) {
  return (args: CudaKernelArgs) => {
    const x = (args.inputs.logits ?? args.inputs.x) as tf.TensorInfo;
    const { dim, axis } = (args.attrs ?? {}) as { dim?: number; axis?: number };
    const rank = x.shape.length;
    const requested = dim ?? axis ?? -1;
    if (x.dtype !== 'float32' || rank === 0 || (requested !== -1 && requested !== rank - 1)) {
      return fallback(name, args, `${x.dtype}, axis ${requested} of rank ${rank}`);
    }
    const cols = x.shape[rank - 1]!;
    const rows = cols === 0 ? 0 : sizeOf(x.shape) / cols;
    const y = args.backend.makeOutput(x.shape, 'float32');
    if (rows > 0) {
      args.backend.launchRows(kernel, rows, [...ptrArgs(args.backend, x, y), ...i32Args(rows, cols)]);
    }
    return y;
  };
}

defineKernel(tf.Softmax, softmaxKernel(tf.Softmax, 'ner_softmax_f32'));
defineKernel(tf.LogSoftmax, softmaxKernel(tf.LogSoftmax, 'ner_log_softmax_f32'));

defineKernel(SOFTMAX_GRAD_KERNEL, (args) => {
  const { dy, y } = args.inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
  if (
    dy.dtype !== 'float32' ||
    y.dtype !== 'float32' ||
    !tf.util.arraysEqual(dy.shape, y.shape) ||
    y.shape.length === 0
  ) {
    throw new Error(
      `${SOFTMAX_GRAD_KERNEL}: dy and y must be float32 tensors of one shape of rank >= 1 (got ${dy.dtype} [${dy.shape}], ${y.dtype} [${y.shape}])`,
    );
  }
  const cols = y.shape[y.shape.length - 1]!;
  const rows = cols === 0 ? 0 : sizeOf(y.shape) / cols;
  const dx = args.backend.makeOutput(y.shape, 'float32');
  if (rows > 0) {
    args.backend.launchRows('ner_softmax_grad_f32', rows, [
      ...ptrArgs(args.backend, dy, y, dx),
      ...i32Args(rows, cols),
    ]);
  }
  return dx;
});
