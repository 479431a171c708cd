// The fused LayerNorm / erf-GELU kernels against float64 references written out here: the
// forward math in double precision, LayerNorm's gradients by central finite differences of
// that forward (so they do not repeat the kernel's formula), GELU's from Phi(x) + x phi(x)
// with an erf accurate to double precision. Seeded random shapes: rows of 1 and many, last
// axes below, at and off the kernel's 16-lane blocks.
import '../index.js';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithAddon, randomArray, rng, worstMismatch, useNativeBackend } from '../test-helpers.js';
import { GELU_ERF_GRAD_KERNEL, GELU_ERF_KERNEL, LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL } from './fused.js';

const d = describeWithAddon;

beforeAll(async () => {
  await useNativeBackend();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  atol: number,
  rtol: number,
  label: string,
) {
  expect(got.length, label).toBe(want.length);
  // NaN-aware (a NaN result fails unless the reference is NaN there): see worstMismatch.
  const { worst, at } = worstMismatch(got, want, atol, rtol);
  expect(worst, `${label}: worst at ${at}: ${got[at]} vs ${want[at]}`).toBeLessThanOrEqual(1);
}

/** One row of LayerNorm in float64. */
function layerNormRow(x: ArrayLike<number>, gamma: ArrayLike<number>, beta: ArrayLike<number>, eps: number) {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (x[i]! - mean) ** 2;
  variance /= n;
  const rstd = 1 / Math.sqrt(variance + eps);
  const y = Array.from({ length: n }, (_, i) => (x[i]! - mean) * rstd * gamma[i]! + beta[i]!);
  return { y, mean, rstd };
}

/** erf in double precision: 2/sqrt(pi) e^(-x^2) sum 2^k x^(2k+1) / (1 3 5 ... (2k+1)), all terms positive. */
function erf64(x: number): number {
  if (Math.abs(x) > 6) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let k = 1; k < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); k++) {
    term *= (2 * x * x) / (2 * k + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
}

d('NerLayerNorm / NerLayerNormGrad', () => {
  const random = rng(21);
  it.each([[[1, 768]], [[4, 7, 40]], [[3, 16]], [[5, 1]], [[2, 3, 33]], [[130, 64]]])('%j', (shape) => {
    const n = shape[shape.length - 1]!;
    const size = shape.reduce((a, b) => a * b, 1);
    const x = randomArray(random, size, -3, 5);
    const gamma = randomArray(random, n, 0.5, 1.5);
    const beta = randomArray(random, n, -0.5, 0.5);
    const dy = randomArray(random, size, -1, 1);
    const eps = 1e-12;
    const rows = size / n;
    // float64 references: forward per row; d(sum dy * y)/dx by central differences.
    const wantY: number[] = [];
    const wantDx: number[] = [];
    const wantDgamma = new Array<number>(n).fill(0);
    const wantDbeta = new Array<number>(n).fill(0);
    const h = 1e-4;
    for (let r = 0; r < rows; r++) {
      const xr = Array.from(x.subarray(r * n, (r + 1) * n));
      const dyr = dy.subarray(r * n, (r + 1) * n);
      const { y, mean, rstd } = layerNormRow(xr, gamma, beta, eps);
      wantY.push(...y);
      const loss = (v: number[]) =>
        layerNormRow(v, gamma, beta, eps).y.reduce((s, yi, i) => s + yi * dyr[i]!, 0);
      for (let j = 0; j < n; j++) {
        const up = [...xr];
        const down = [...xr];
        up[j]! += h;
        down[j]! -= h;
        wantDx.push((loss(up) - loss(down)) / (2 * h));
        wantDgamma[j]! += dyr[j]! * (xr[j]! - mean) * rstd;
        wantDbeta[j]! += dyr[j]!;
      }
    }
    const [y, mean, rstd, dx, dgamma, dbeta] = tf.tidy(() => {
      const [xs, g, b, dys] = [tf.tensor(x, shape), tf.tensor(gamma), tf.tensor(beta), tf.tensor(dy, shape)];
      const forward = tf
        .engine()
        .runKernel(LAYER_NORM_KERNEL, { x: xs, gamma: g, beta: b }, { eps }) as unknown as tf.Tensor[];
      const backward = tf
        .engine()
        .runKernel(
          LAYER_NORM_GRAD_KERNEL,
          { dy: dys, x: xs, gamma: g, mean: forward[1]!, rstd: forward[2]! },
          {},
        ) as unknown as tf.Tensor[];
      return [...forward, ...backward];
    }) as tf.Tensor[];
    expect([y, mean, rstd, dx, dgamma, dbeta].map((t) => t!.shape)).toEqual([
      shape,
      shape.slice(0, -1),
      shape.slice(0, -1),
      shape,
      [n],
      [n],
    ]);
    expectClose(y!.dataSync(), wantY, 1e-5, 1e-5, 'y');
    // Central differences of a float64 function: accurate to ~1e-8; the kernel works in float32.
    expectClose(dx!.dataSync(), wantDx, 2e-5, 1e-4, 'dx');
    expectClose(dgamma!.dataSync(), wantDgamma, 1e-4, 1e-5, 'dgamma');
    expectClose(dbeta!.dataSync(), wantDbeta, 1e-4, 1e-5, 'dbeta');
    tf.dispose([y!, mean!, rstd!, dx!, dgamma!, dbeta!]);
  });

  it('rejects a non-float32 input by name', () => {
    expect(() =>
      tf.tidy(() =>
        tf
          .engine()
          .runKernel(
            LAYER_NORM_KERNEL,
            { x: tf.tensor([[1, 2]], undefined, 'int32'), gamma: tf.ones([2]), beta: tf.zeros([2]) },
            { eps: 1e-5 },
          ),
      ),
    ).toThrow(/NerLayerNorm: input "x" must be a float32 tensor/);
  });
});

d('NerGeluErf / NerGeluErfGrad', () => {
  const random = rng(22);
  it.each([[[7]], [[3, 1000]], [[2, 64, 70]]])('%j', (shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const x = randomArray(random, size, -6, 6);
    x[0] = 0;
    const dy = randomArray(random, size, -1, 1);
    const phi = (v: number) => Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
    const cdf = (v: number) => 0.5 * (1 + erf64(v / Math.SQRT2));
    const wantY = Array.from(x, (v) => v * cdf(v));
    const wantDx = Array.from(x, (v, i) => dy[i]! * (cdf(v) + v * phi(v)));
    const [y, dx] = tf.tidy(() => {
      const xs = tf.tensor(x, shape);
      return [
        tf.engine().runKernel(GELU_ERF_KERNEL, { x: xs }, {}) as tf.Tensor,
        tf.engine().runKernel(GELU_ERF_GRAD_KERNEL, { dy: tf.tensor(dy, shape), x: xs }, {}) as tf.Tensor,
      ];
    });
    expect(y!.shape).toEqual(shape);
    expectClose(y!.dataSync(), wantY, 1e-6, 1e-5, 'y');
    expectClose(dx!.dataSync(), wantDx, 1e-6, 1e-5, 'dx');
    tf.dispose([y!, dx!]);
  });
});
