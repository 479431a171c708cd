/**
 * Reductions over any axes: the reduced axes are moved innermost with a transpose when they
 * are not already, then `ner_reduce_*` reduces each row of the `[outer, inner]` view. A float32
 * Sum over the leading axes (bias gradients) is one product with a ones vector instead. A few
 * long float32 rows (a whole gradient's sum of squares) are reduced in two passes over equal
 * chunks, since one block per row would leave all but a few of the GPU's multiprocessors idle.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CudaBackend } from '../backend.js';
import type { CudaKernelArgs } from '../fallback.js';
import { REDUCE_OP } from '../kernel-abi.js';
import { castWords } from './elementwise.js';
import { columnSums } from './matmul.js';
import { defineKernel, fallback } from './registry.js';
import { transposeWords } from './transpose.js';
import { i32Args, ptrArgs, sizeOf } from './util.js';

/** The reduced axes of a kernel's attribute, in ascending order. */
function sortedAxes(x: tf.TensorInfo, requested: number | number[] | null | undefined): number[] {
  return [...tf.util.parseAxisParam((requested ?? null) as number[], x.shape)].sort((p, q) => p - q);
}

/** The input as rows of the reduced `axes` (ascending): `{rows, outer, inner, outShape}`, or null. */
function asRows(
  backend: CudaBackend,
  x: tf.TensorInfo,
  axes: readonly number[],
  keepDims: boolean,
): { rows: tf.TensorInfo; owned: boolean; outer: number; inner: number; outShape: number[] } | null {
  if (new Set(axes).size !== axes.length) return null;
  const rank = x.shape.length;
  const kept = Array.from({ length: rank }, (_, d) => d).filter((d) => !axes.includes(d));
  const keptShape = kept.map((d) => x.shape[d]!);
  const outShape = keepDims ? x.shape.map((dim, d) => (axes.includes(d) ? 1 : dim)) : keptShape;
  const inner = sizeOf(axes.map((d) => x.shape[d]!));
  const outer = sizeOf(keptShape);
  const innermost = axes.every((axis, i) => axis === rank - axes.length + i);
  if (innermost) return { rows: x, owned: false, outer, inner, outShape };
  const moved = transposeWords(backend, x, [...kept, ...axes]);
  if (!moved) return null;
  return { rows: moved, owned: true, outer, inner, outShape };
}

/**
 * When the reduced axes are exactly the leading ones (`[0, 1, ...]`) and both the reduced and the
 * kept parts hold at least two elements: the input as `reduced x kept` columns, else null.
 */
function asColumns(
  x: tf.TensorInfo,
  axes: readonly number[],
  keepDims: boolean,
): { reduced: number; kept: number; outShape: number[] } | null {
  const rank = x.shape.length;
  if (axes.length === 0 || axes.length >= rank || axes.some((axis, i) => axis !== i)) return null;
  const reduced = sizeOf(x.shape.slice(0, axes.length));
  const kept = sizeOf(x.shape.slice(axes.length));
  if (reduced < 2 || kept < 2) return null;
  const outShape = keepDims
    ? x.shape.map((dim, d) => (d < axes.length ? 1 : dim))
    : x.shape.slice(axes.length);
  return { reduced, kept, outShape };
}

/** Rows at least this long, when there are few of them, are reduced in two passes. */
export const SPLIT_MIN_INNER = 1 << 15;
/** The shortest chunk the first pass reduces. */
export const SPLIT_MIN_CHUNK = 1 << 12;
/** Blocks the first pass aims at (rows x chunks): enough for every multiprocessor of an H200. */
export const SPLIT_MAX_BLOCKS = 1024;

/**
 * Chunks per row for a two-pass reduction of `outer` rows of `inner` float32 values: the largest
 * power of two that divides `inner`, leaves chunks of at least {@link SPLIT_MIN_CHUNK} and keeps
 * `outer * chunks` within {@link SPLIT_MAX_BLOCKS}; 1 means one pass. The chunks are equal, so
 * every op composes with itself: the sum of chunk sums, the mean of chunk means, the max of chunk
 * maxima (NaN included), the product of chunk products.
 */
export function reductionChunks(outer: number, inner: number): number {
  if (inner < SPLIT_MIN_INNER) return 1;
  let chunks = 1;
  while (
    inner % (chunks * 2) === 0 &&
    inner / (chunks * 2) >= SPLIT_MIN_CHUNK &&
    outer * chunks * 2 <= SPLIT_MAX_BLOCKS
  ) {
    chunks *= 2;
  }
  return chunks;
}

/** `ner_reduce_f32` over `outer` rows of `inner`, in one pass or two (see {@link reductionChunks}). */
function reduceRowsF32(
  backend: CudaBackend,
  rows: tf.TensorInfo,
  y: tf.TensorInfo,
  outer: number,
  inner: number,
  op: number,
): void {
  const chunks = reductionChunks(outer, inner);
  if (chunks === 1) {
    backend.launchRows('ner_reduce_f32', outer, [...ptrArgs(backend, rows, y), ...i32Args(outer, inner, op)]);
    return;
  }
  // The partials go back to the allocator once both passes are queued: stream order keeps the
  // block's next user behind the second pass.
  const partials = backend.allocator.allocate(outer * chunks * 4);
  try {
    backend.launchRows('ner_reduce_f32', outer * chunks, [
      { ptr: backend.ptrOf(rows) },
      { ptr: partials.ptr },
      ...i32Args(outer * chunks, inner / chunks, op),
    ]);
    backend.launchRows('ner_reduce_f32', outer, [
      { ptr: partials.ptr },
      { ptr: backend.ptrOf(y) },
      ...i32Args(outer, chunks, op),
    ]);
  } finally {
    backend.allocator.release(partials);
  }
}

function reduceKernel(name: string, op: number, axisAttr: 'axis' | 'reductionIndices') {
  return (args: CudaKernelArgs) => {
    const backend = args.backend;
    let x = args.inputs.x as tf.TensorInfo;
    const attrs = (args.attrs ?? {}) as Record<string, unknown>;
    const isLogical = op === REDUCE_OP.any || op === REDUCE_OP.all;
    if (x.dtype === 'string') return fallback(name, args, 'string input');
    if (isLogical && x.dtype !== 'bool') return fallback(name, args, `${x.dtype} input`);
    // tfjs: Sum / Prod of bool count in int32; Mean of integers is float32 (falls back).
    if (op === REDUCE_OP.mean && x.dtype !== 'float32') return fallback(name, args, `${x.dtype} input`);
    let cast: tf.TensorInfo | null = null;
    if (!isLogical && x.dtype === 'bool') {
      cast = castWords(backend, x, 'int32');
      x = cast;
    }
    try {
      const axes = sortedAxes(x, attrs[axisAttr] as number | number[] | null);
      const columns =
        op === REDUCE_OP.sum && x.dtype === 'float32' ? asColumns(x, axes, !!attrs.keepDims) : null;
      if (columns) {
        // Reduced axes first, kept axes last (the bias gradients of a training step): one product.
        const y = backend.makeOutput(columns.outShape, 'float32');
        columnSums(backend, backend.ptrOf(x), columns.reduced, columns.kept, backend.ptrOf(y));
        return y;
      }
      const view = asRows(backend, x, axes, !!attrs.keepDims);
      if (!view) return fallback(name, args, 'repeated axes or rank above 6');
      const outDtype = isLogical ? 'bool' : x.dtype;
      const y = backend.makeOutput(view.outShape, outDtype);
      if (view.outer > 0 && x.dtype === 'float32') {
        reduceRowsF32(backend, view.rows, y, view.outer, view.inner, op);
      } else if (view.outer > 0) {
        backend.launchRows('ner_reduce_i32', view.outer, [
          ...ptrArgs(backend, view.rows, y),
          ...i32Args(view.outer, view.inner, op),
        ]);
      }
      if (view.owned) backend.disposeIntermediateTensorInfo(view.rows);
      return y;
    } finally {
      if (cast) backend.disposeIntermediateTensorInfo(cast);
    }
  };
}

defineKernel(tf.Sum, reduceKernel(tf.Sum, REDUCE_OP.sum, 'axis'));
defineKernel(tf.Mean, reduceKernel(tf.Mean, REDUCE_OP.mean, 'axis'));
defineKernel(tf.Max, reduceKernel(tf.Max, REDUCE_OP.max, 'reductionIndices'));
defineKernel(tf.Min, reduceKernel(tf.Min, REDUCE_OP.min, 'axis'));
defineKernel(tf.Prod, reduceKernel(tf.Prod, REDUCE_OP.prod, 'axis'));
defineKernel(tf.Any, reduceKernel(tf.Any, REDUCE_OP.any, 'axis'));
defineKernel(tf.All, reduceKernel(tf.All, REDUCE_OP.all, 'axis'));

function argReduceKernel(name: string, isMin: number) {
  return (args: CudaKernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { axis } = args.attrs as { axis: number };
    if (x.dtype !== 'float32') return fallback(name, args, `${x.dtype} input`);
    const view = asRows(args.backend, x, sortedAxes(x, [axis]), false);
    if (!view) return fallback(name, args, 'rank above 6');
    const y = args.backend.makeOutput(view.outShape, 'int32');
    if (view.outer > 0 && view.inner > 0) {
      args.backend.launchRows('ner_arg_reduce_f32', view.outer, [
        ...ptrArgs(args.backend, view.rows, y),
        ...i32Args(view.outer, view.inner, isMin),
      ]);
    }
    if (view.owned) args.backend.disposeIntermediateTensorInfo(view.rows);
    return y;
  };
}

defineKernel(tf.ArgMax, argReduceKernel(tf.ArgMax, 0));
defineKernel(tf.ArgMin, argReduceKernel(tf.ArgMin, 1));
