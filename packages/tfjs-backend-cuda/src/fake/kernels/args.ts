/**
 * What every fake kernel shares: its signature, the readers of its (already checked) arguments,
 * and the strided-view arithmetic of `NerDims` operands.
 */
import type { KernelArg } from '../../device.js';
import type { KERNEL_ABI } from '../../kernel-abi.js';
import type { FakeHeap } from '../heap.js';

/** A kernel's name in `KERNEL_ABI`. */
export type KernelName = keyof typeof KERNEL_ABI & string;
/** A launch's arguments, already checked against the kernel's `KERNEL_ABI` entry. */
export type Args = readonly KernelArg[];
/** A kernel's JS version: reads and writes the fake device's memory through the heap's views. */
export type FakeKernel = (heap: FakeHeap, args: Args) => void;

export const ptr = (args: Args, i: number) => (args[i] as { ptr: bigint }).ptr;
export const int = (args: Args, i: number) => (args[i] as { i32: number }).i32;
export const uint = (args: Args, i: number) => (args[i] as { u32: number }).u32;
export const float = (args: Args, i: number) => (args[i] as { f32: number }).f32;
export const dimsOf = (args: Args, i: number) => (args[i] as { dims: Int32Array }).dims;

/** `NerDims` field `k` (0 = a, 1 = b, ...) as an array of `rank` ints. */
export function field(d: Int32Array, k: number): number[] {
  const rank = d[0]!;
  return Array.from(d.subarray(1 + 6 * k, 1 + 6 * k + rank));
}

/** Elements a strided view of `shape` spans (max offset + 1), 0 when empty. */
export function extent(shape: readonly number[], strides: readonly number[]): number {
  if (shape.some((s) => s === 0)) return 0;
  return 1 + shape.reduce((sum, s, k) => sum + (s - 1) * Math.abs(strides[k]!), 0);
}

/** Offset of output element i in a strided operand. */
export function stridedOffset(i: number, shape: readonly number[], strides: readonly number[]): number {
  let offset = 0;
  for (let k = shape.length - 1; k >= 0; k--) {
    const dim = shape[k]!;
    offset += (i % dim) * strides[k]!;
    i = Math.floor(i / dim);
  }
  return offset;
}

export const f32 = Math.fround;
