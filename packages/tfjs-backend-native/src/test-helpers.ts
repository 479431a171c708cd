// Test helpers: run the same op on the cpu and the native backend from the same data, compare.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { addon, addonError } from './addon.js';

/** True when the addon is built; tests that need it skip otherwise (and say why, once). */
export const HAS_ADDON = addon !== null;
if (!HAS_ADDON) {
  console.warn(`[@ner/tfjs-backend-native tests] native kernel tests skipped: ${addonError}`);
}

/** A small seeded generator (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomArray(random: () => number, size: number, low = -2, high = 2): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = low + (high - low) * random();
  return out;
}

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
    let worst = 0;
    let at = -1;
    for (let i = 0; i < b.length; i++) {
      const x = Number(a[i]);
      const y = Number(b[i]);
      if (Number.isNaN(y) && Number.isNaN(x)) continue;
      const diff = Math.abs(x - y);
      const ratio = diff === 0 ? 0 : diff / (atol + rtol * Math.abs(y));
      if (!(ratio <= worst)) {
        worst = ratio;
        at = i;
      }
    }
    expect(
      worst,
      `${label} output ${o}: worst at ${at}: native ${a[at]} vs cpu ${b[at]}`,
    ).toBeLessThanOrEqual(1);
  }
}
