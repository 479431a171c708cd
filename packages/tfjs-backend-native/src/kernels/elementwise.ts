/**
 * Unary float32 kernels (exp, erf, rsqrt, ...) and broadcasting binary ones
 * (add, sub, mul, div, ...). Broadcast shapes are reduced to the fewest
 * dimensions with per-input strides (0 where an input is broadcast) so the
 * addon's inner loop runs over the longest contiguous run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { requireAddon } from '../addon.js';
import { BINARY_OPS, COMPARE_OPS, UNARY_OPS } from './ops.js';
import {
  type KernelArgs,
  MAX_NATIVE_SIZE,
  fallback,
  float32Of,
  int32s,
  sizeOf,
  outputArray,
} from './util.js';

export type UnaryName = keyof typeof UNARY_OPS;
export type BinaryName = keyof typeof BINARY_OPS;
export type CompareName = keyof typeof COMPARE_OPS;

export function unaryKernel(name: UnaryName, args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const values = float32Of(args.backend, x);
  if (!values) return fallback(name, args);
  const out = outputArray(values.length);
  requireAddon().unary(UNARY_OPS[name], values, out);
  return args.backend.makeTensorInfo([...x.shape], 'float32', out);
}

/**
 * Collapses a broadcast to (dims, aStrides, bStrides): size-1 output dims are
 * dropped and neighbours merged when both inputs are contiguous across them.
 */
export function collapseBroadcast(
  aShape: readonly number[],
  bShape: readonly number[],
  outShape: readonly number[],
): { dims: number[]; aStrides: number[]; bStrides: number[] } {
  const rank = outShape.length;
  const stridesFor = (shape: readonly number[]): number[] => {
    const padded = [...new Array(rank - shape.length).fill(1), ...shape];
    const strides = new Array<number>(rank).fill(0);
    let stride = 1;
    for (let d = rank - 1; d >= 0; d--) {
      strides[d] = padded[d] === 1 ? 0 : stride;
      stride *= padded[d]!;
    }
    return strides;
  };
  const sa = stridesFor(aShape);
  const sb = stridesFor(bShape);
  const dims: number[] = [];
  const aStrides: number[] = [];
  const bStrides: number[] = [];
  // Walk from the innermost dim outwards, merging into the current (outermost so far) entry.
  for (let d = rank - 1; d >= 0; d--) {
    const dim = outShape[d]!;
    if (dim === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && sa[d] === aStrides[last]! * dims[last]! && sb[d] === bStrides[last]! * dims[last]!) {
      dims[last] = dims[last]! * dim;
      continue;
    }
    dims.push(dim);
    aStrides.push(sa[d]!);
    bStrides.push(sb[d]!);
  }
  if (dims.length === 0) return { dims: [1], aStrides: [0], bStrides: [0] };
  return { dims: dims.reverse(), aStrides: aStrides.reverse(), bStrides: bStrides.reverse() };
}

/**
 * The shared body of the broadcasting kernels: float32 inputs, the broadcast shape, a fresh
 * output of `dtype`, and the collapsed dims/strides handed to `run` (the addon call).
 */
function broadcastKernel<O extends Float32Array | Uint8Array>(
  name: BinaryName | CompareName,
  args: KernelArgs,
  dtype: 'float32' | 'bool',
  run: (
    a: Float32Array,
    b: Float32Array,
    out: O,
    dims: Int32Array,
    aStrides: Int32Array,
    bStrides: Int32Array,
  ) => void,
): tf.TensorInfo | tf.TensorInfo[] {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const aValues = float32Of(args.backend, a);
  const bValues = float32Of(args.backend, b);
  if (!aValues || !bValues) return fallback(name, args);
  const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const size = sizeOf(outShape);
  if (size > MAX_NATIVE_SIZE) return fallback(name, args);
  const out = (dtype === 'bool' ? outputArray(size, 'bool') : outputArray(size)) as O;
  if (size > 0) {
    const { dims, aStrides, bStrides } = collapseBroadcast(a.shape, b.shape, outShape);
    run(aValues, bValues, out, int32s(dims), int32s(aStrides), int32s(bStrides));
  }
  return args.backend.makeTensorInfo(outShape, dtype, out);
}

export function binaryKernel(name: BinaryName, args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  return broadcastKernel<Float32Array>(name, args, 'float32', (a, b, out, dims, sa, sb) =>
    requireAddon().binary(BINARY_OPS[name], a, b, out, dims, sa, sb),
  );
}

/** Comparisons of float32 tensors (dropout masks, padding masks); the output is bool (0/1 bytes). */
export function compareKernel(name: CompareName, args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  return broadcastKernel<Uint8Array>(name, args, 'bool', (a, b, out, dims, sa, sb) =>
    requireAddon().compare(COMPARE_OPS[name], a, b, out, dims, sa, sb),
  );
}
