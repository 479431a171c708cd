/**
 * `RandomUniform`: the kernel `@ner/models`' dropout asks for by name (tfjs-core's own
 * `randomUniform` op never calls a kernel; it draws on the host, one closure call and one
 * float64-to-float32 store per value, and leaves a fresh array for the GC each time). Dropout
 * draws about a million values per training step of the main job's model, which made the host
 * op ~6% of the step, plus its share of GC.
 *
 * The numbers are the same as tfjs-core's op, bit for bit: tfjs seeds seedrandom's Alea
 * generator (Johannes Baagøe's algorithm) with `String(seed)` and stores `min + range * next()`
 * into a Float32Array. Here the generator runs in one tight loop over local doubles, writing
 * into a pooled output array. Training on `native` therefore draws exactly the dropout masks the
 * `cpu` backend draws for the same seed.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { type KernelArgs, outputArray } from './util.js';

/** The kernel name (tfjs-node registers the same name). */
export const RANDOM_UNIFORM_KERNEL = 'RandomUniform';

const TWO_POW_32 = 4294967296;
const TWO_POW_MINUS_32 = 2.3283064365386963e-10;

/** JavaScript's `x >>> 0` for the non-negative finite doubles Mash produces. */
function toUint32(x: number): number {
  return Math.trunc(x) % TWO_POW_32;
}

/** Alea's seed hash ("Mash"): one running state, fed a string per call. */
function makeMash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data) => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = toUint32(h);
      h -= n;
      h *= n;
      n = toUint32(h);
      h -= n;
      n += h * TWO_POW_32;
    }
    return toUint32(n) * TWO_POW_MINUS_32;
  };
}

/** Alea's state after seeding with `seed` (as seedrandom's `alea(seed)` sets it up). */
export function aleaState(seed: string): { s0: number; s1: number; s2: number; c: number } {
  const mash = makeMash();
  let s0 = mash(' ');
  let s1 = mash(' ');
  let s2 = mash(' ');
  s0 -= mash(seed);
  if (s0 < 0) s0 += 1;
  s1 -= mash(seed);
  if (s1 < 0) s1 += 1;
  s2 -= mash(seed);
  if (s2 < 0) s2 += 1;
  return { s0, s1, s2, c: 1 };
}

/** Fills `out` with `min + range * u`, u the generator's next values in [0, 1). */
export function fillAleaUniform(
  out: Float32Array | Int32Array,
  seed: string,
  min: number,
  range: number,
): void {
  let { s0, s1, s2, c } = aleaState(seed);
  for (let i = 0; i < out.length; i++) {
    const t = 2091639 * s0 + c * TWO_POW_MINUS_32;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    // An Int32Array store truncates toward zero, as tfjs' buffer does (it passes no dtype to
    // its generator, so nothing rounds).
    out[i] = min + range * s2;
  }
}

interface RandomUniformAttrs {
  shape: number[];
  minval?: number;
  maxval?: number;
  dtype?: 'float32' | 'int32';
  seed?: number | string;
}

/**
 * As tfjs-core's `randomUniform(shape, minval, maxval, dtype, seed)`: no seed draws one with
 * `Math.random()` as tfjs does; `int32` truncates toward zero as tfjs does.
 */
export function randomUniformKernel(args: KernelArgs): tf.TensorInfo {
  const {
    shape,
    minval = 0,
    maxval = 1,
    dtype = 'float32',
    seed,
  } = args.attrs as unknown as RandomUniformAttrs;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new TypeError(
      `RandomUniform: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}.`,
    );
  }
  if (dtype !== 'float32' && dtype !== 'int32') {
    throw new TypeError(`RandomUniform: dtype must be "float32" or "int32", got ${JSON.stringify(dtype)}.`);
  }
  const range = maxval - minval;
  const size = shape.reduce((a, b) => a * b, 1);
  const out = dtype === 'int32' ? outputArray(size, 'int32') : outputArray(size);
  fillAleaUniform(out, String(seed ?? Math.random()), minval, range);
  return args.backend.makeTensorInfo([...shape], dtype, out);
}
