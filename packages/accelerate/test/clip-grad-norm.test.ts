import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  clipCoefficient,
  clipCoefficientOf,
  clipGradNorm,
  globalGradNorm,
  gradNormTensor,
} from '../src/clip-grad-norm.js';

describe('clipGradNorm (torch clip_grad_norm_)', () => {
  it('scales by maxNorm / (norm + 1e-6) when the global norm is larger', async () => {
    await tf.setBackend('cpu');
    // norms 5 (3,4) and 12 → global 13
    const grads = new Map<string, tf.Tensor>([
      ['a', tf.tensor1d([3, 4])],
      ['b', tf.tensor2d([[12]])],
    ]);
    expect(globalGradNorm(grads)).toBeCloseTo(13, 5);
    const { totalNorm, grads: clipped } = clipGradNorm(grads, 1);
    expect(totalNorm).toBeCloseTo(13, 5);
    const c = 1 / (13 + 1e-6);
    expect([...clipped.get('a')!.dataSync()].map((v) => v / c)).toEqual([
      expect.closeTo(3, 4),
      expect.closeTo(4, 4),
    ]);
    expect(clipped.get('b')!.shape).toEqual([1, 1]);
    tf.dispose([...grads.values(), ...clipped.values()]);
  });
  it('leaves small gradients unchanged', () => {
    const grads = new Map<string, tf.Tensor>([['a', tf.tensor1d([0.3, 0.4])]]);
    const { grads: clipped } = clipGradNorm(grads, 1);
    expect([...clipped.get('a')!.dataSync()]).toEqual([expect.closeTo(0.3, 6), expect.closeTo(0.4, 6)]);
    tf.dispose([...grads.values(), ...clipped.values()]);
  });
  it('takes one root over all the sums: the same number as a root per tensor, two ops per tensor', async () => {
    await tf.setBackend('cpu');
    const grads = new Map<string, tf.Tensor>(
      Array.from({ length: 7 }, (_, i) => [
        `w${i}`,
        tf.tensor1d(Array.from({ length: 50 + i }, (_, j) => Math.sin(i * 3.1 + j * 0.7) * (i + 1))),
      ]),
    );
    const perTensor = tf.tidy(
      () => tf.norm(tf.stack([...grads.values()].map((g) => tf.sqrt(tf.sum(tf.square(g)))))).dataSync()[0]!,
    );
    expect(globalGradNorm(grads)).toBe(perTensor);
    const profile = await tf.profile(() => {
      globalGradNorm(grads);
    });
    const perGrad = profile.kernels.filter(
      (k) => k.name === 'Square' || k.name === 'Sum' || k.name === 'Sqrt',
    );
    // 7 squares and 7 sums, one root over the stack (and tf.norm's own square, sum and root).
    expect(perGrad.filter((k) => k.name === 'Sqrt').length).toBeLessThanOrEqual(2);
    expect(perGrad.filter((k) => k.name === 'Square').length).toBeLessThanOrEqual(8);
    tf.dispose([...grads.values()]);
  });

  it("computes the coefficient as torch's float32 ops do: reciprocal(norm + 1e-6) * maxNorm, clamped at 1", () => {
    const f = Math.fround;
    // A norm where one float64 division, rounded once, is 1 ulp away from torch's.
    const norm = f(1.2740247249603271);
    expect(clipCoefficientOf(norm, 1)).toBe(f(1 / f(norm + f(1e-6))));
    expect(clipCoefficientOf(norm, 1)).not.toBe(f(1 / (norm + 1e-6)));
    expect(clipCoefficientOf(f(0.5), 1)).toBe(1);
    expect(clipCoefficientOf(0, 1)).toBe(1);
    expect(clipCoefficientOf(Number.POSITIVE_INFINITY, 1)).toBe(0);
    expect(clipCoefficientOf(Number.NaN, 1)).toBeNaN();
  });
  it('keeps the norm and coefficient on the device: the same float32 bits as the host computes', async () => {
    await tf.setBackend('cpu');
    const grads = new Map<string, tf.Tensor>([
      ['a', tf.tensor1d([0.9, -0.4])],
      ['b', tf.tensor2d([[0.25, 0.5]])],
    ]);
    const norm = gradNormTensor(grads);
    expect(norm.shape).toEqual([]);
    expect(norm.dataSync()[0]).toBe(globalGradNorm(grads));
    for (const value of [1.2740247249603271, 4.297425270080566, 13, 0.5, 0, 1e30]) {
      for (const maxNorm of [1, 0.3, 5]) {
        const total = tf.scalar(value);
        const coefficient = clipCoefficient(total, maxNorm);
        expect(coefficient.dataSync()[0], `norm ${value}, maxNorm ${maxNorm}`).toBe(
          clipCoefficientOf(Math.fround(value), maxNorm),
        );
        tf.dispose([total, coefficient]);
      }
    }
    const empty = gradNormTensor(new Map());
    expect(empty.dataSync()[0]).toBe(0);
    tf.dispose([norm, empty, ...grads.values()]);
  });
});
