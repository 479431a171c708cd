/**
 * `Softmax` over the last axis (the only axis tfjs supports), max-subtracted, sums in double; and
 * `NerSoftmaxGrad`, its gradient in one pass (`@ner/models` calls it where the backend has it).
 */
import * as tf from '@tensorflow/tfjs-core';
import { SOFTMAX_GRAD_KERNEL } from '../../../../tools/kernel-contract/index.js';
import { requireAddon } from '../addon.js';
import { type KernelArgs, fallback, float32Of, outputArray } from './util.js';

export function softmaxKernel(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { logits } = args.inputs as { logits: tf.TensorInfo };
  const { dim } = (args.attrs ?? {}) as { dim?: number };
  const values = float32Of(args.backend, logits);
  const rank = logits.shape.length;
  const lastAxis = dim === undefined || dim === -1 || dim === rank - 1;
  if (!values || rank === 0 || !lastAxis || values.length === 0) return fallback(tf.Softmax, args);
  const out = outputArray(values.length);
  requireAddon().softmax(values, out, logits.shape[rank - 1]!);
  return args.backend.makeTensorInfo([...logits.shape], 'float32', out);
}

/**
 * `NerSoftmaxGrad` inputs `{dy, y}` (float32, one shape; `y` the softmax output): `dx = y * (dy -
 * sum(dy * y))` over the last axis, as the composite Multiply, Sum, Sub, Multiply compute it here.
 */
export function softmaxGradKernel(args: KernelArgs): tf.TensorInfo {
  const { dy, y } = args.inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
  const dyValues = float32Of(args.backend, dy);
  const yValues = float32Of(args.backend, y);
  if (!dyValues || !yValues || !tf.util.arraysEqual(dy.shape, y.shape) || y.shape.length === 0) {
    throw new Error(
      `${SOFTMAX_GRAD_KERNEL}: dy and y must be float32 tensors of one shape of rank >= 1 (got ${dy.dtype} [${dy.shape}], ${y.dtype} [${y.shape}])`,
    );
  }
  const dx = outputArray(yValues.length);
  const cols = y.shape[y.shape.length - 1]!;
  if (cols > 0) requireAddon().softmaxGrad(dyValues, yValues, dx, cols);
  return args.backend.makeTensorInfo([...y.shape], 'float32', dx);
}
