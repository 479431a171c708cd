/** Transpose of 32-bit data (`ner_transpose_32`), and the helper reductions and softmax use. */
import * as tf from '@tensorflow/tfjs-core';
import type { CudaBackend } from '../backend.js';
import { defineKernel, fallback } from './registry.js';
import { collapseAxes, contiguousStrides, fitsDims, nerDims, ptrArgs, sizeOf } from './util.js';

/** x permuted by `perm` into a new tensor, or null above 6 axes (after merging). */
export function transposeWords(
  backend: CudaBackend,
  x: tf.TensorInfo,
  perm: readonly number[],
): tf.TensorInfo | null {
  const outShape = perm.map((p) => x.shape[p]!);
  const inStrides = contiguousStrides(x.shape);
  const merged = collapseAxes(outShape, [perm.map((p) => inStrides[p]!)]);
  if (!fitsDims(merged.shape)) return null;
  const y = backend.makeOutput(outShape, x.dtype);
  const n = sizeOf(outShape);
  if (n > 0) {
    backend.launch('ner_transpose_32', n, [
      ...ptrArgs(backend, x, y),
      { i32: n },
      { dims: nerDims(merged.shape.length, merged.shape, merged.strides[0]!) },
    ]);
  }
  return y;
}

defineKernel(tf.Transpose, (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  const { perm } = args.attrs as { perm: number[] };
  if (x.dtype === 'string') return fallback(tf.Transpose, args, 'string tensor');
  if (perm.every((p, i) => p === i)) return args.backend.share(x, x.shape);
  return transposeWords(args.backend, x, perm) ?? fallback(tf.Transpose, args, 'rank above 6');
});
