/**
 * `GatherV2` (embedding lookups), `ScatterNd` (the gradient of a gather, as
 * @ner/models computes it) and `UnsortedSegmentSum`. Duplicate indices add
 * up; the addon splits columns, not rows, across threads so adds never race.
 */
import * as tf from '@tensorflow/tfjs-core';
import { requireAddon } from '../addon.js';
import {
  type KernelArgs,
  fallback,
  float32Of,
  fourBytesOf,
  int32Of,
  int32s,
  sizeOf,
  outputArray,
} from './util.js';

export function gatherKernel(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
  const attrs = (args.attrs ?? {}) as { axis?: number; batchDims?: number };
  const params = fourBytesOf(args.backend, x);
  const ids = int32Of(args.backend, indices);
  if (!params || !ids || (attrs.batchDims ?? 0) !== 0) return fallback(tf.GatherV2, args);
  const axis = tf.util.parseAxisParam(attrs.axis ?? 0, x.shape)[0]!;
  const outer = sizeOf(x.shape.slice(0, axis));
  const axisDim = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const size = outer * ids.length * inner;
  const out = params instanceof Float32Array ? outputArray(size) : outputArray(size, 'int32');
  const bad = requireAddon().gather(params, ids, out, outer, axisDim, inner);
  if (bad >= 0) throw new Error(`GatherV2: the index value ${ids[bad]} is not in [0, ${axisDim - 1}]`);
  return args.backend.makeTensorInfo(outShape, x.dtype, out);
}

export function scatterNdKernel(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { indices, updates } = args.inputs as { indices: tf.TensorInfo; updates: tf.TensorInfo };
  const { shape } = (args.attrs ?? {}) as { shape: number[] };
  const ids = int32Of(args.backend, indices);
  const values = float32Of(args.backend, updates);
  const depth = indices.shape[indices.shape.length - 1];
  if (!ids || !values || depth === undefined || depth < 1 || depth > shape.length) {
    return fallback(tf.ScatterNd, args);
  }
  const sliceSize = sizeOf(shape.slice(depth));
  const outSize = sizeOf(shape);
  if (sliceSize === 0 || outSize === 0) return fallback(tf.ScatterNd, args);
  const strides = shape.slice(0, depth).map((_, j) => sizeOf(shape.slice(j + 1, depth)));
  const out = new Float32Array(outSize);
  const bad = requireAddon().scatterAdd(ids, depth, int32s(strides), values, out, sliceSize, false);
  if (bad >= 0) {
    const index = Array.from(ids.subarray(bad * depth, bad * depth + depth));
    throw new Error(`Invalid indices: ${index} does not index into ${shape}`);
  }
  return args.backend.makeTensorInfo([...shape], 'float32', out);
}

export function unsortedSegmentSumKernel(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = (args.attrs ?? {}) as { numSegments: number };
  const values = float32Of(args.backend, x);
  const ids = int32Of(args.backend, segmentIds);
  if (!values || !ids || segmentIds.shape.length !== 1 || x.shape.length < 1 || ids.length !== x.shape[0]) {
    return fallback(tf.UnsortedSegmentSum, args);
  }
  const sliceSize = sizeOf(x.shape.slice(1));
  const outShape = [numSegments, ...x.shape.slice(1)];
  const out = new Float32Array(numSegments * sliceSize);
  // Ids outside [0, numSegments) match no segment and are dropped, as in the cpu kernel.
  if (sliceSize > 0) requireAddon().scatterAdd(ids, 1, int32s([1]), values, out, sliceSize, true);
  return args.backend.makeTensorInfo(outShape, 'float32', out);
}
