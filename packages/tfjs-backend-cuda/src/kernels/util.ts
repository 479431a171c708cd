/** Helpers the device kernels share: NerDims, strides, output allocation, dtype checks. */
import type * as tf from '@tensorflow/tfjs-core';
import type { CudaBackend } from '../backend.js';
import { type KernelArg, NER_DIMS_INTS, NER_MAX_RANK } from '../device.js';

/** The device pointers of `tensors`, in order, as kernel arguments. */
export function ptrArgs(backend: CudaBackend, ...tensors: readonly tf.TensorInfo[]): KernelArg[] {
  return tensors.map((t) => ({ ptr: backend.ptrOf(t) }));
}

/** `values`, in order, as int32 kernel arguments. */
export function i32Args(...values: readonly number[]): KernelArg[] {
  return values.map((v) => ({ i32: v }));
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

/** Row-major strides of a contiguous tensor. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d]!;
  }
  return strides;
}

/** Strides of `inShape` read as `outShape` under numpy broadcasting (0 on broadcast axes). */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const padded = [...new Array<number>(rank - inShape.length).fill(1), ...inShape];
  const strides = contiguousStrides(padded);
  return padded.map((dim, d) => (dim === 1 && outShape[d] !== 1 ? 0 : strides[d]!));
}

/**
 * `struct NerDims { int rank; int a[6]; int b[6]; int c[6]; int d[6]; }`. Rank-0 shapes become
 * rank 1 of size 1 so every kernel sees at least one axis.
 */
export function nerDims(rank: number, ...fields: readonly (readonly number[])[]): Int32Array {
  const dims = new Int32Array(NER_DIMS_INTS);
  const r = Math.max(rank, 1);
  dims[0] = r;
  fields.forEach((values, k) => {
    const padded = rank === 0 ? [values[0] ?? 1] : values;
    for (let i = 0; i < r; i++) dims[1 + 6 * k + i] = padded[i] ?? 0;
  });
  return dims;
}

/** Whether a shape fits a NerDims (rank <= 6). */
export function fitsDims(shape: readonly number[]): boolean {
  return shape.length <= NER_MAX_RANK;
}

/**
 * Merges adjacent axes that are contiguous in every operand, so broadcasting kernels see fewer
 * axes (and rank-7+ tensors often fit 6). Returns the merged shape and strides per operand.
 */
export function collapseAxes(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const dim = shape[d]!;
    if (dim === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[d]! * dim);
    if (mergeable) {
      outShape[last] = outShape[last]! * dim;
      strides.forEach((s, k) => {
        outStrides[k]![last] = s[d]!;
      });
    } else {
      outShape.push(dim);
      strides.forEach((s, k) => {
        outStrides[k]!.push(s[d]!);
      });
    }
  }
  if (outShape.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  return { shape: outShape, strides: outStrides };
}

/** dtype of tfjs' 32-bit storage: float32 data or int32 words (int32 and bool). */
export function isWordType(dtype: tf.DataType): boolean {
  return dtype === 'float32' || dtype === 'int32' || dtype === 'bool';
}

/** Attr values tfjs passes as number | number[]. */
export function asArray(value: number | readonly number[] | null | undefined): number[] | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? [value] : [...value];
}
