// Test helpers: run the same op on the cpu and the native backend from the same data, compare.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { addon, addonError } from './addon.js';

/** True when the addon is built; tests that need it skip otherwise (and say why, once). */
export const HAS_ADDON = addon !== null;

/**
 * True under CI (`CI` set, as .ci/run and hosted CI services do). There the addon must build:
 * tests that need it fail instead of skipping, so a broken build cannot pass as skips.
 */
export const UNDER_CI = Boolean(process.env.CI);

if (!HAS_ADDON && !UNDER_CI) {
  console.warn(`[@ner/tfjs-backend-native tests] native kernel tests skipped: ${addonError}`);
}

/** The message a test that needs the addon fails with under CI when it did not load. */
export function addonMissingMessage(): string {
  return `the native addon is not available under CI (CI=${process.env.CI}): ${addonError}`;
}

/**
 * Selects the `native` backend for a file's tests (a file-level `beforeAll`). Without the addon:
 * does nothing locally (the tests skip), and under CI throws the load error, so the failure
 * says why instead of "Backend name 'native' not found".
 */
export async function useNativeBackend(): Promise<void> {
  if (!HAS_ADDON) {
    if (UNDER_CI) throw new Error(addonMissingMessage());
    return;
  }
  await tf.setBackend('native');
}

/**
 * `describe` for tests that need the addon: runs them when it loaded; without it, skips them
 * (with the warning above) outside CI, and replaces them by one failing test under CI.
 */
export function describeWithAddon(name: string, body: () => void): void {
  if (HAS_ADDON) {
    describe(name, body);
  } else if (UNDER_CI) {
    describe(name, () => {
      it('needs the native addon', () => {
        throw new Error(addonMissingMessage());
      });
    });
  } else {
    describe.skip(name, body);
  }
}

/**
 * The worst of |got - want| / (atol + rtol |want|) over two arrays, and where. NaN-aware: a NaN
 * is a match only against a NaN in the reference, and counts as an infinite mismatch anywhere
 * else (either side), so a kernel that returns NaN can never pass as close. Equal values
 * (infinities included) match exactly.
 */
export function worstMismatch(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  atol: number,
  rtol: number,
): { worst: number; at: number } {
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const x = Number(got[i]);
    const y = Number(want[i]);
    let ratio: number;
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) ratio = 0;
    else if (Number.isNaN(x) || Number.isNaN(y)) ratio = Number.POSITIVE_INFINITY;
    else ratio = Math.abs(x - y) / (atol + rtol * Math.abs(y));
    if (Number.isNaN(ratio)) ratio = Number.POSITIVE_INFINITY; // inf - inf of opposite signs
    if (ratio > worst) {
      worst = ratio;
      at = i;
    }
  }
  return { worst, at };
}

/** A small seeded generator (mulberry32) so failures reproduce; and seeded float32 arrays. */
export { mulberry32 as rng, uniformFloat32 as randomArray } from '../../../tools/test-support/index.js';

export function randomInts(random: () => number, size: number, high: number): Int32Array {
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.floor(random() * high);
  return out;
}

export type Input = { values: Float32Array | Int32Array; shape: number[] };

/** Runs `fn` on fresh tensors of `inputs` on one backend, returns shape + data of every output. */
export function runOn(backend: string, inputs: Input[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]) {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((input) =>
      tf.tensor(input.values, input.shape, input.values instanceof Int32Array ? 'int32' : 'float32'),
    );
    const result = fn(...xs);
    const outputs = Array.isArray(result) ? result : [result];
    return outputs.map((t) => ({ shape: t.shape, dtype: t.dtype, data: t.dataSync() }));
  });
}

/**
 * Asserts native == cpu within |a - b| <= atol + rtol |b| elementwise, same shapes and dtypes.
 */
export function expectSameAsCpu(
  inputs: Input[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  atol: number,
  rtol: number,
  label = '',
): void {
  const want = runOn('cpu', inputs, fn);
  const got = runOn('native', inputs, fn);
  expect(got.length, label).toBe(want.length);
  for (let o = 0; o < want.length; o++) {
    expect(got[o]!.shape, label).toEqual(want[o]!.shape);
    expect(got[o]!.dtype, label).toBe(want[o]!.dtype);
    const a = got[o]!.data;
    const b = want[o]!.data;
    expect(a.length, label).toBe(b.length);
    const { worst, at } = worstMismatch(a as ArrayLike<number>, b as ArrayLike<number>, atol, rtol);
    expect(
      worst,
      `${label} output ${o}: worst at ${at}: native ${a[at]} vs cpu ${b[at]}`,
    ).toBeLessThanOrEqual(1);
  }
}
