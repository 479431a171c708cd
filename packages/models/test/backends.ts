// The backends every oracle test runs on, and the comparisons they share: one parametrised suite
// (describe.each(ORACLE_BACKENDS)) instead of one copy per backend.
import '@tensorflow/tfjs-backend-cpu';
import { nativeBackendInfo } from '@ner/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { initBackend, resetBackendChoice } from '../src/index.js';

/** The backends this package tests: pure JS, wasm (XNNPACK) and our native addon. */
export type OracleBackend = 'cpu' | 'wasm' | 'native';

const native = nativeBackendInfo();

/**
 * cpu and wasm always; native when its addon loads. Under CI a missing addon must fail the suite,
 * not shrink it, so there native stays in the list and `useBackend('native')` throws.
 */
export const ORACLE_BACKENDS: readonly OracleBackend[] =
  native.available || process.env.CI ? ['cpu', 'wasm', 'native'] : ['cpu', 'wasm'];

if (!ORACLE_BACKENDS.includes('native'))
  console.warn(`[@ner/models tests] native backend left out of the oracle suite: ${native.reason}`);

/** The backends compared against cpu (everything but cpu itself). */
export const NON_CPU_BACKENDS = ORACLE_BACKENDS.filter((backend) => backend !== 'cpu');

/** Switches to `backend` through `initBackend` (the path users take) and checks it took. */
export async function useBackend(backend: OracleBackend): Promise<void> {
  resetBackendChoice();
  const info = await initBackend({ env: { NER_BACKEND: backend }, log: null });
  expect(info.backendName).toBe(backend);
  expect(tf.getBackend()).toBe(backend);
}

/** Back to cpu with no remembered choice (afterAll of every file that switches). */
export async function restoreCpu(): Promise<void> {
  resetBackendChoice();
  await tf.setBackend('cpu');
}

/** Euclidean norm in float64. */
export function norm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  return Math.sqrt(sum);
}

/** `||actual - expected|| / max(||expected||, tiny)` in float64. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = actual[i]! - expected[i]!;
    sum += diff * diff;
  }
  return Math.sqrt(sum) / Math.max(norm(expected), 1e-30);
}

/**
 * Gradients that are zero in exact arithmetic: a key bias adds the same `q . b` to every score of
 * a query's row, and softmax ignores a constant shift, so what Python stores there is rounding
 * noise (norms around 1e-12) that no relative comparison can match.
 */
export const STRUCTURALLY_ZERO_GRADIENT = /\.attention\.(self\.key|k_lin)\.bias$/;

/** Relative tolerance of a gradient (float32 arithmetic, different summation orders). */
export const GRADIENT_RELATIVE_TOLERANCE = 1e-4;

/**
 * Compares every gradient relative to its own norm. A reference that is all zeros (or rounding
 * noise) would make that meaningless, so each reference must be clearly nonzero: above 1e-7 of the
 * largest reference gradient's norm (the smallest real ones, the oracle's query biases, are about
 * 4.5e-6 of it). The structurally zero ones must be noise on both sides: below 1e-6 of it (measured
 * up to 1.2e-8 on wasm for the random-bias models, 2e-12 in Python's). Returns how many gradients
 * were compared.
 */
export function expectGradientsToMatch(
  actual: ReadonlyMap<string, ArrayLike<number>>,
  expected: ReadonlyMap<string, ArrayLike<number>>,
  where: string,
): number {
  expect([...actual.keys()].sort(), where).toEqual([...expected.keys()].sort());
  const scale = Math.max(...[...expected.values()].map(norm));
  expect(scale, `${where}: largest reference gradient norm`).toBeGreaterThan(0);
  const meaningful = 1e-7 * scale;
  const noise = 1e-6 * scale;
  let compared = 0;
  for (const [key, want] of expected) {
    const got = actual.get(key)!;
    expect(got.length, `${where} ${key} size`).toBe(want.length);
    if (STRUCTURALLY_ZERO_GRADIENT.test(key)) {
      expect(norm(want), `${where} ${key}: reference should be rounding noise`).toBeLessThanOrEqual(noise);
      expect(norm(got), `${where} ${key}: should be rounding noise`).toBeLessThanOrEqual(noise);
    } else {
      expect(norm(want), `${where} ${key}: reference gradient is (nearly) all zeros`).toBeGreaterThan(
        meaningful,
      );
      const error = relativeError(got, want);
      expect(error, `${where} ${key}: relative error`).toBeLessThanOrEqual(GRADIENT_RELATIVE_TOLERANCE);
    }
    compared += 1;
  }
  return compared;
}

/** Reads a tensor's values (a copy; the tensor may be disposed afterwards). */
export function valuesOf(tensor: tf.Tensor): Float32Array {
  return Float32Array.from(tensor.dataSync());
}

/** Every gradient's values by name. */
export function gradientValues(grads: ReadonlyMap<string, tf.Tensor>): Map<string, Float32Array> {
  return new Map([...grads].map(([name, grad]) => [name, valuesOf(grad)]));
}
