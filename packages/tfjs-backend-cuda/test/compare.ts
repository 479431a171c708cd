// Runs the same tfjs code on cpu and on cuda (fake device) and compares the results.
import { mulberry32 } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { getFallbackCounts, resetFallbackCounts } from '../src/fallback.js';

/** A seeded uniform generator (mulberry32), so failures reproduce. */
export const rng = mulberry32;

/** `size` values in [lo, hi). */
export function uniform(size: number, seed: number, lo = -2, hi = 2): number[] {
  const next = rng(seed);
  return Array.from({ length: size }, () => lo + (hi - lo) * next());
}

/** `size` integers in [lo, hi). */
export function ints(size: number, seed: number, lo: number, hi: number): number[] {
  return uniform(size, seed, lo, hi).map(Math.floor);
}

type Result = tf.Tensor | tf.Tensor[];

function snapshot(result: Result): { shape: number[]; dtype: string; values: number[] }[] {
  const list = Array.isArray(result) ? result : [result];
  return list.map((t) => ({
    shape: t.shape,
    dtype: t.dtype,
    values: Array.from(t.dataSync() as ArrayLike<number>),
  }));
}

/**
 * Runs `build` on cpu and on cuda, expects equal shapes and dtypes, values within `rtol`
 * relative (plus `atol`), and no fallback on cuda unless `allowFallback`.
 */
export async function expectSameAsCpu(
  build: () => Result,
  { rtol = 1e-5, atol = 1e-6, allowFallback = false } = {},
): Promise<void> {
  await tf.setBackend('cpu');
  const want = tf.tidy(() => snapshot(build()));
  await tf.setBackend('cuda');
  resetFallbackCounts();
  const before = tf.memory().numTensors;
  const got = tf.tidy(() => snapshot(build()));
  expect(tf.memory().numTensors).toBe(before);
  if (!allowFallback) expect(getFallbackCounts()).toEqual({});
  expect(got.length).toBe(want.length);
  for (const [i, w] of want.entries()) {
    const g = got[i]!;
    expect(g.shape, `output ${i} shape`).toEqual(w.shape);
    expect(g.dtype, `output ${i} dtype`).toBe(w.dtype);
    for (let j = 0; j < w.values.length; j++) {
      const [a, b] = [g.values[j]!, w.values[j]!];
      if (Number.isNaN(b)) {
        expect(a, `output ${i}[${j}]`).toBeNaN();
        continue;
      }
      if (a === b) continue;
      const tolerance = atol + rtol * Math.abs(b);
      if (!(Math.abs(a - b) <= tolerance)) {
        expect.fail(`output ${i}[${j}]: cuda ${a}, cpu ${b} (|diff| ${Math.abs(a - b)} > ${tolerance})`);
      }
    }
  }
}
