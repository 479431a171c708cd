/** `Transpose` of float32 or int32 tensors (4-byte elements), contiguous runs copied with memcpy. */
import * as tf from '@tensorflow/tfjs-core';
import { requireAddon } from '../addon.js';
import { type KernelArgs, fallback, fourBytesOf, int32s, outputArray } from './util.js';

export function transposeKernel(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { perm } = (args.attrs ?? {}) as { perm: number[] };
  const values = fourBytesOf(args.backend, x);
  if (!values || x.shape.length === 0 || perm.length !== x.shape.length) return fallback(tf.Transpose, args);
  const outShape = perm.map((axis) => x.shape[axis]!);
  const out =
    values instanceof Float32Array ? outputArray(values.length) : outputArray(values.length, 'int32');
  if (values.length > 0) requireAddon().transpose(values, out, int32s(x.shape), int32s(perm));
  return args.backend.makeTensorInfo(outShape, x.dtype, out);
}
