/**
 * `RandomUniform` (the kernel tfjs-node registers; tfjs-core's `randomUniform` op draws on the
 * host, so this serves callers of `runKernel('RandomUniform')`, such as dropout that wants its
 * masks made on the device): Philox4x32-10 keyed by the seed, counter from 0, so one seed gives
 * the same values every call (as tfjs' seeded `randomUniform`); without a seed, a random key.
 *
 * `NerDropout` (the contract's `DROPOUT_KERNEL_NAME`): the same draw for the same seed and size,
 * compared with the rate, scaled and applied to `x` in one launch (`ner_dropout_f32`), instead of
 * the five kernels of the composite ops (`RandomUniform`, `GreaterEqual`, `Cast`, two `Multiply`).
 * It writes no mask: its gradient is the same call on `dy`, which draws the same numbers again.
 */
import { DROPOUT_KERNEL_NAME, dropoutArgs } from '../../../../tools/kernel-contract/index.js';
import { defineKernel } from './registry.js';
import { ptrArgs, sizeOf } from './util.js';

/** The kernel name tfjs-core declares (not exported from its index). */
export const RANDOM_UNIFORM_KERNEL = 'RandomUniform';

/** The fused dropout kernel's name (the contract's `DROPOUT_KERNEL_NAME`). */
export const DROPOUT_KERNEL = DROPOUT_KERNEL_NAME;

/**
 * The Philox key of a seed, as two uint32 kernel arguments: `floor(|seed|)`, low word then high
 * word (a random key without a seed). `RandomUniform` and `NerDropout` share it, so one seed
 * draws the same numbers in both.
 */
function philoxKey(seed: number | undefined): [{ u32: number }, { u32: number }] {
  const key = Math.floor(Math.abs(seed ?? Math.random() * 2 ** 53));
  return [{ u32: key >>> 0 }, { u32: Math.floor(key / 2 ** 32) >>> 0 }];
}

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
  if (n > 0) {
    args.backend.launch('ner_random_uniform_f32', Math.ceil(n / 4), [
      { ptr: args.backend.ptrOf(y) },
      { i32: n },
      ...philoxKey(seed),
      { u32: 0 },
      { f32: minval ?? 0 },
      { f32: maxval ?? 1 },
    ]);
  }
  return y;
});

defineKernel(DROPOUT_KERNEL, (args) => {
  // Checked before allocating: a bad call leaves nothing behind.
  const { x, rate, seed, scale } = dropoutArgs(args.inputs, args.attrs);
  const n = sizeOf(x.shape);
  const backend = args.backend;
  const y = backend.makeOutput(x.shape, 'float32');
  if (n > 0) {
    backend.launch('ner_dropout_f32', Math.ceil(n / 4), [
      ...ptrArgs(backend, x, y),
      { i32: n },
      ...philoxKey(seed),
      { u32: 0 },
      { f32: Math.fround(rate) },
      { f32: scale },
    ]);
  }
  return y;
});
