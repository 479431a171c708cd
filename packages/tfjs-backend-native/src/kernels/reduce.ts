/**
 * `Sum`, `Mean`, `Max`, `Min` over any axes of a float32 tensor. Contiguous
 * axes are reduced in place as a [outer, reduced, inner] view; other axis sets
 * are first moved innermost with the native transpose, as the cpu backend does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { requireAddon } from '../addon.js';
import { REDUCE_OPS } from './ops.js';
import { type KernelArgs, fallback, float32Of, int32s, sizeOf, outputArray } from './util.js';

export type ReduceName = keyof typeof REDUCE_OPS;

export function reduceKernel(name: ReduceName, args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  // Max names the axes `reductionIndices`, Sum, Mean and Min `axis`; null means all axes.
  const attrs = (args.attrs ?? {}) as {
    axis?: number | number[] | null;
    reductionIndices?: number | number[] | null;
    keepDims?: boolean;
  };
  const values = float32Of(args.backend, x);
  if (!values) return fallback(name, args);
  const rank = x.shape.length;
  const requested = name === 'Max' ? attrs.reductionIndices : attrs.axis;
  // parseAxisParam(null) is documented to mean every axis, but typed without null.
  const axes = [...tf.util.parseAxisParam((requested ?? null) as number[], x.shape)].sort((p, q) => p - q);
  if (new Set(axes).size !== axes.length) return fallback(name, args);
  const keptShape = x.shape.filter((_, d) => !axes.includes(d));
  const outShape = attrs.keepDims ? x.shape.map((dim, d) => (axes.includes(d) ? 1 : dim)) : keptShape;
  const addon = requireAddon();
  const contiguous = axes.every((axis, i) => i === 0 || axis === axes[i - 1]! + 1);
  let source = values;
  let outer: number;
  let reduced: number;
  let inner: number;
  if (axes.length === 0) {
    outer = values.length;
    reduced = 1;
    inner = 1;
  } else if (contiguous) {
    outer = sizeOf(x.shape.slice(0, axes[0]));
    reduced = sizeOf(axes.map((d) => x.shape[d]!));
    inner = sizeOf(x.shape.slice(axes[axes.length - 1]! + 1));
  } else {
    // Move the reduced axes innermost (kept axes keep their order).
    const perm = [...Array.from({ length: rank }, (_, d) => d).filter((d) => !axes.includes(d)), ...axes];
    source = outputArray(values.length);
    addon.transpose(values, source, int32s(x.shape), int32s(perm));
    outer = sizeOf(keptShape);
    reduced = sizeOf(axes.map((d) => x.shape[d]!));
    inner = 1;
  }
  const out = outputArray(outer * inner);
  addon.reduce(REDUCE_OPS[name], source, out, outer, reduced, inner);
  return args.backend.makeTensorInfo(outShape, 'float32', out);
}
