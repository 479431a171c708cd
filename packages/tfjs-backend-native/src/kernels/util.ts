/** Shared helpers of the native kernels: zero-copy access to the cpu backend's arrays, fallbacks. */
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { markOwned, noteAliases, takePooled } from './buffer-pool.js';
import { classArray, usesClassPool } from './size-class-pool.js';

export type Backend = MathBackendCPU;
export type KernelArgs = {
  inputs: tf.NamedTensorInfoMap;
  backend: Backend;
  attrs?: tf.NamedAttrMap;
};

/** The backing array of a tensor, read in place (no copy). */
export function valuesOf(backend: Backend, t: tf.TensorInfo): tf.backend_util.TypedArray | unknown {
  return backend.data.get(t.dataId)?.values;
}

/**
 * The Float32Array of a float32 tensor, or null when it is not one (complex, string,
 * int...). The cpu backend's Cast from bool or int32 to float32 keeps the Uint8Array /
 * Int32Array (and the native Cast does not, but cpu fallbacks can): those are converted
 * into a temporary Float32Array, one fast pass instead of a JS kernel.
 */
export function float32Of(backend: Backend, t: tf.TensorInfo): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const values = valuesOf(backend, t);
  if (values instanceof Float32Array) return values;
  if (values instanceof Uint8Array || values instanceof Int32Array) {
    const converted = new Float32Array(values.length);
    converted.set(values);
    return converted;
  }
  return null;
}

/** The Int32Array of an int32 tensor, or null. */
export function int32Of(backend: Backend, t: tf.TensorInfo): Int32Array | null {
  if (t.dtype !== 'int32') return null;
  const values = valuesOf(backend, t);
  return values instanceof Int32Array ? values : null;
}

/** 4-byte elements (float32 or int32): data movement kernels copy either. */
export function fourBytesOf(backend: Backend, t: tf.TensorInfo): Float32Array | Int32Array | null {
  return float32Of(backend, t) ?? int32Of(backend, t);
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

/** The cpu backend's kernel of that name, the fallback for cases the addon does not cover. */
export function cpuKernel(name: string): tf.KernelFunc {
  const config = tf.getKernel(name, 'cpu');
  if (!config) throw new Error(`@ner/tfjs-backend-native: the cpu backend has no "${name}" kernel`);
  return config.kernelFunc;
}

/** Calls the cpu kernel with the same arguments (they share storage). */
export function fallback(name: string, args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  return runCpuKernel(cpuKernel(name), args);
}

/** Runs a cpu kernel on the native backend's storage, noting outputs that view an input's memory. */
export function runCpuKernel(kernel: tf.KernelFunc, args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const outputs = kernel(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo | tf.TensorInfo[];
  noteAliases(args.backend.data as never, args.inputs, outputs);
  return outputs;
}

/** Element offsets are passed as Int32Array: keep tensors below 2^31 elements on the native path. */
export const MAX_NATIVE_SIZE = 2 ** 31 - 1;

export function int32s(values: readonly number[]): Int32Array {
  return Int32Array.from(values);
}

function floatArray(n: number): Float32Array {
  const buffer = Buffer.allocUnsafeSlow(n * 4);
  return new Float32Array(buffer.buffer, buffer.byteOffset, n);
}

/** Below this many elements a zeroed array is as cheap as any. */
const UNINIT_MIN = 16384;

/**
 * An output array whose every element the kernel will write: uninitialised memory
 * (`Buffer.allocUnsafeSlow`, malloc without calloc's zeroing), which halves the cost of
 * a large output. Never used for outputs that are accumulated into (scatter sums).
 */
export function outputArray(n: number): Float32Array;
export function outputArray(n: number, type: 'int32'): Int32Array;
export function outputArray(n: number, type: 'bool'): Uint8Array;
export function outputArray(
  n: number,
  type: 'float32' | 'int32' | 'bool' = 'float32',
): Float32Array | Int32Array | Uint8Array {
  const bytes = type === 'bool' ? 1 : 4;
  if (n < UNINIT_MIN) {
    return type === 'float32'
      ? new Float32Array(n)
      : type === 'int32'
        ? new Int32Array(n)
        : new Uint8Array(n);
  }
  if (type === 'float32') {
    if (usesClassPool(n)) return classArray(n);
    const values = takePooled(n) ?? floatArray(n);
    markOwned(values);
    return values;
  }
  const buffer = Buffer.allocUnsafeSlow(n * bytes);
  if (type === 'int32') return new Int32Array(buffer.buffer, buffer.byteOffset, n);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, n);
}
