/** GatherV2 (`ner_gather_32`), UnsortedSegmentSum and ScatterNd (atomic adds into zeros). */
import * as tf from '@tensorflow/tfjs-core';
import { NER_MAX_RANK } from '../device.js';
import { defineKernel, fallback } from './registry.js';
import { filled } from './shape.js';
import { contiguousStrides, i32Args, nerDims, ptrArgs, sizeOf } from './util.js';

defineKernel(tf.GatherV2, (args) => {
  const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
  const { axis, batchDims } = args.attrs as { axis: number; batchDims?: number };
  if (x.dtype === 'string' || indices.dtype !== 'int32' || (batchDims ?? 0) !== 0) {
    return fallback(tf.GatherV2, args, `${x.dtype} params, ${indices.dtype} indices, batchDims ${batchDims}`);
  }
  const $axis = tf.util.parseAxisParam(axis, x.shape)[0]!;
  const outer = sizeOf(x.shape.slice(0, $axis));
  const axisDim = x.shape[$axis]!;
  const inner = sizeOf(x.shape.slice($axis + 1));
  const numIdx = sizeOf(indices.shape);
  const outShape = [...x.shape.slice(0, $axis), ...indices.shape, ...x.shape.slice($axis + 1)];
  const y = args.backend.makeOutput(outShape, x.dtype);
  const n = outer * numIdx * inner;
  if (n > 0) {
    args.backend.launch('ner_gather_32', n, [
      ...ptrArgs(args.backend, x, indices, y),
      ...i32Args(outer, numIdx, inner, axisDim),
    ]);
  }
  return y;
});

defineKernel(tf.UnsortedSegmentSum, (args) => {
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = args.attrs as { numSegments: number };
  if (x.dtype !== 'float32' || segmentIds.dtype !== 'int32') {
    return fallback(tf.UnsortedSegmentSum, args, `${x.dtype} data, ${segmentIds.dtype} ids`);
  }
  const rows = sizeOf(segmentIds.shape);
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = sizeOf(innerShape);
  const y = filled(args.backend, [numSegments, ...innerShape], 'float32', 0);
  if (rows * inner > 0 && numSegments > 0) {
    args.backend.launch('ner_segment_sum_f32', rows * inner, [
      ...ptrArgs(args.backend, x, segmentIds, y),
      ...i32Args(rows, inner, numSegments),
    ]);
  }
  return y;
});

defineKernel(tf.ScatterNd, (args) => {
  const { indices, updates } = args.inputs as { indices: tf.TensorInfo; updates: tf.TensorInfo };
  const { shape } = args.attrs as { shape: number[] };
  const depth = indices.shape.length === 0 ? 1 : indices.shape[indices.shape.length - 1]!;
  if (updates.dtype !== 'float32' || indices.dtype !== 'int32' || depth > NER_MAX_RANK || depth < 1) {
    return fallback(tf.ScatterNd, args, `${updates.dtype} updates, ${indices.dtype} indices, depth ${depth}`);
  }
  const numUpdates = sizeOf(indices.shape) / depth;
  const sliceSize = sizeOf(shape.slice(depth));
  const outSize = sizeOf(shape);
  const y = filled(args.backend, shape, 'float32', 0);
  if (numUpdates * sliceSize > 0) {
    const strides = contiguousStrides(shape).slice(0, depth);
    args.backend.launch('ner_scatter_nd_f32', numUpdates * sliceSize, [
      ...ptrArgs(args.backend, indices, updates, y),
      ...i32Args(numUpdates, depth, sliceSize, outSize),
      { dims: nerDims(depth, strides) },
    ]);
  }
  return y;
});
