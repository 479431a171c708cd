/**
 * `RandomUniform` (the kernel tfjs-node registers; tfjs-core's `randomUniform` op draws on the
 * host, so this serves callers of `runKernel('RandomUniform')`, such as dropout that wants its
 * masks made on the device): Philox4x32-10 keyed by the seed, counter from 0, so one seed gives
 * the same values every call (as tfjs' seeded `randomUniform`); without a seed, a random key.
 */
import { defineKernel } from './registry.js';
import { sizeOf } from './util.js';

/** The kernel name tfjs-core declares (not exported from its index). */
export const RANDOM_UNIFORM_KERNEL = 'RandomUniform';

defineKernel(RANDOM_UNIFORM_KERNEL, (args) => {
  const { shape, minval, maxval, dtype, seed } = args.attrs as {
    shape: number[];
    minval: number;
    maxval: number;
    dtype: string;
    seed?: number;
  };
  if (dtype !== undefined && dtype !== 'float32') {
    throw new Error(`${RANDOM_UNIFORM_KERNEL}: only float32 output is supported on cuda, got ${dtype}`);
  }
  const n = sizeOf(shape);
  const y = args.backend.makeOutput(shape, 'float32');
  const key = Math.floor(Math.abs(seed ?? Math.random() * 2 ** 53));
  if (n > 0) {
    args.backend.launch('ner_random_uniform_f32', Math.ceil(n / 4), [
      { ptr: args.backend.ptrOf(y) },
      { i32: n },
      { u32: key >>> 0 },
      { u32: Math.floor(key / 2 ** 32) >>> 0 },
      { u32: 0 },
      { f32: minval ?? 0 },
      { f32: maxval ?? 1 },
    ]);
  }
  return y;
});
