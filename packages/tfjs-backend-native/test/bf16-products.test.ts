// The two bf16 products of the fused inference kernels (src/addon/bf16_gemm.cc):
// - the default where the CPU has AVX512_BF16: vdpbf16ps, activations rounded to bf16 too, held to
//   a float64 product of the bf16-rounded activations and weights;
// - the fallback (NER_NATIVE_BF16_DOT=0, no AVX512_BF16, or an odd k): weights widened exactly to
//   fp32, held to 1e-5 of the cpu backend's fp32 product of the bf16-rounded weights.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { nativeBackendInfo } from '../src/index.js';
import { requireAddon } from '../src/addon.js';
import { LINEAR_GELU_KERNEL, QKV_PROJECTION_KERNEL } from '../src/kernels/inference.js';
import { bf16DotProduct, roundToBf16, setBf16DotProduct } from '../src/kernels/inference-weights.js';
import { type Input, describeWithAddon, runOn } from '../src/test-helpers.js';
import { seededInputs } from './layer-composites.js';

beforeAll(() => {
  tf.setBackend('cpu');
});
afterEach(() => {
  setBf16DotProduct(null);
});
afterAll(() => {
  tf.setBackend('cpu');
});

const input = seededInputs(1916);

function run(kernel: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): tf.Tensor {
  return tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}

/** NerQkvProjection (a bare product: no epilogue) of x [B, T, k] on native with bf16 weights. */
function qkvOnNative(x: Input, weights: Input[], biases: Input[]): Float32Array {
  return runOn('native', [x, ...weights, ...biases], (xs, wq, wk, wv, bq, bk, bv) =>
    run(
      QKV_PROJECTION_KERNEL,
      {
        x: xs!,
        queryWeight: wq!,
        queryBias: bq!,
        keyWeight: wk!,
        keyBias: bk!,
        valueWeight: wv!,
        valueBias: bv!,
      },
      { bf16: true },
    ),
  )[0]!.data as Float32Array;
}

/**
 * The same in float64 on the values given (row r, output column j of the three stacked weights),
 * with Σ|x w| + |b| per output: the scale of the fp32 accumulation error.
 */
function qkvReference(
  x: Float32Array,
  weights: Float32Array[],
  biases: Float32Array[],
  k: number,
): { value: Float64Array; magnitude: Float64Array } {
  const rows = x.length / k;
  const n = weights[0]!.length / k;
  const value = new Float64Array(rows * 3 * n);
  const magnitude = new Float64Array(rows * 3 * n);
  for (let r = 0; r < rows; r++)
    for (let part = 0; part < 3; part++)
      for (let j = 0; j < n; j++) {
        let sum = biases[part]![j]!;
        let abs = Math.abs(sum);
        for (let p = 0; p < k; p++) {
          const product = x[r * k + p]! * weights[part]![j * k + p]!;
          sum += product;
          abs += Math.abs(product);
        }
        value[r * 3 * n + part * n + j] = sum;
        magnitude[r * 3 * n + part * n + j] = abs;
      }
  return { value, magnitude };
}

describeWithAddon('bf16 products', () => {
  const k = 96;
  const n = 72;
  const x = input([2, 17, k]);
  const weights = [0, 1, 2].map(() => input([n, k], 0.3));
  const biases = [0, 1, 2].map(() => input([n]));
  const hasDot = requireAddon().cpuHasAvx512Bf16() && requireAddon().panelGemmEnabled();

  it('nativeBackendInfo().bf16Product says which product runs, and follows NER_NATIVE_BF16_DOT', () => {
    expect(nativeBackendInfo().bf16Product).toBe(hasDot ? 'vdpbf16ps' : 'widened');
    process.env.NER_NATIVE_BF16_DOT = '0';
    try {
      expect(nativeBackendInfo().bf16Product).toBe('widened');
    } finally {
      delete process.env.NER_NATIVE_BF16_DOT;
    }
    setBf16DotProduct(false);
    expect(nativeBackendInfo().bf16Product).toBe('widened');
  });

  // k = 96: one slice; k = 1538: three k-slices of the pair kernel (384 + 384 + 1 pairs), 13 rows
  // (a 12-row block and a 1-row one) and 40 columns (a full panel and a partial one).
  for (const [label, rows, kk, cols] of [
    ['B 2 x T 17, k 96, 72 columns', [2, 17], 96, 72],
    ['B 1 x T 13, k 1538, 40 columns', [1, 13], 1538, 40],
  ] as const) {
    it.runIf(hasDot)(
      `vdpbf16ps (the default here): the float64 product of bf16 activations and weights, ${label}`,
      () => {
        const xs = kk === k ? x : input([...rows, kk]);
        const ws = kk === k ? weights : [0, 1, 2].map(() => input([cols, kk], 0.3));
        const bs = kk === k ? biases : [0, 1, 2].map(() => input([cols]));
        expect(bf16DotProduct(kk)).toBe(true);
        const got = qkvOnNative(xs, ws, bs);
        const rounded = qkvReference(
          roundToBf16(xs.values),
          ws.map((w) => roundToBf16(w.values)),
          bs.map((b) => b.values),
          kk,
        );
        // A product of two bf16 values (8-bit significands) is exact in fp32, so what is left is the
        // fp32 accumulation of k products and the bias: |error| <= gamma(k + 1) * (Σ|x w| + |b|), with
        // gamma(m) = m u / (1 - m u) and u = 2^-24, whatever order the sums are taken in.
        const u = 2 ** -24;
        const gamma = ((kk + 1) * u) / (1 - (kk + 1) * u);
        let worst = 0;
        for (let i = 0; i < got.length; i++)
          worst = Math.max(worst, Math.abs(got[i]! - rounded.value[i]!) / (gamma * rounded.magnitude[i]!));
        expect(worst).toBeLessThanOrEqual(1);
        // And the activations really were rounded: the product of fp32 activations and bf16 weights
        // is farther away than the accumulation bound allows (by ~2^-9 relative per activation).
        const widened = qkvReference(
          xs.values,
          ws.map((w) => roundToBf16(w.values)),
          bs.map((b) => b.values),
          kk,
        );
        let moved = 0;
        for (let i = 0; i < got.length; i++) moved = Math.max(moved, Math.abs(got[i]! - widened.value[i]!));
        expect(moved).toBeGreaterThan(1e-3);
      },
    );
  }

  it('fallback (NER_NATIVE_BF16_DOT=0): the fp32 product of the bf16-rounded weights, to 1e-5', () => {
    setBf16DotProduct(false);
    expect(bf16DotProduct(k)).toBe(false);
    const x2 = input([2, 17, k]);
    const w = input([200, k], 0.3);
    const b = input([200]);
    const roundedWeight = { values: roundToBf16(w.values), shape: w.shape };
    const gelu = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => {
      const y = tf.add(tf.matMul(tf.reshape(xs, [-1, k]), ws, false, true), bs);
      return tf.mul(tf.mul(y, 0.5), tf.add(tf.erf(tf.mul(y, Math.SQRT1_2)), 1));
    };
    const got = runOn('native', [x2, w, b], (xs, ws, bs) =>
      run(LINEAR_GELU_KERNEL, { x: xs!, weight: ws!, bias: bs! }, { bf16: true }),
    )[0]!.data;
    const want = runOn('cpu', [x2, roundedWeight, b], gelu)[0]!.data;
    const fp32 = runOn('cpu', [x2, w, b], gelu)[0]!.data;
    let worst = 0;
    let bf16Effect = 0;
    for (let i = 0; i < want.length; i++) {
      worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)));
      bf16Effect = Math.max(bf16Effect, Math.abs((want[i] as number) - (fp32[i] as number)));
    }
    expect(worst).toBeLessThan(1e-5);
    // The rounding is real: the bf16 result differs from fp32 by far more than the tolerance.
    expect(bf16Effect).toBeGreaterThan(1e-3);
  });

  it('an odd k takes the fallback even where vdpbf16ps is on: activations stay fp32 (1e-5)', () => {
    const odd = 95;
    expect(bf16DotProduct(odd)).toBe(false);
    const xs = input([1, 9, odd]);
    const ws = [0, 1, 2].map(() => input([40, odd], 0.3));
    const bs = [0, 1, 2].map(() => input([40]));
    const got = qkvOnNative(xs, ws, bs);
    const want = qkvReference(
      xs.values,
      ws.map((w) => roundToBf16(w.values)),
      bs.map((b) => b.values),
      odd,
    );
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want.value[i]!));
    expect(worst).toBeLessThan(1e-5);
  });

  it('the two layouts of one weight are cached apart: switching back gives the first result again', () => {
    tf.setBackend('native');
    const tensors = [x, ...weights, ...biases].map((t) => tf.tensor(t.values, t.shape));
    const [xs, wq, wk, wv, bq, bk, bv] = tensors as [tf.Tensor, ...tf.Tensor[]];
    const product = () =>
      tf.tidy(() =>
        run(
          QKV_PROJECTION_KERNEL,
          {
            x: xs,
            queryWeight: wq!,
            queryBias: bq!,
            keyWeight: wk!,
            keyBias: bk!,
            valueWeight: wv!,
            valueBias: bv!,
          },
          { bf16: true },
        ).dataSync(),
      );
    const first = product().slice();
    setBf16DotProduct(!bf16DotProduct(k));
    const other = product().slice();
    setBf16DotProduct(null);
    const again = product();
    tf.dispose(tensors);
    tf.setBackend('cpu');
    expect(Array.from(again)).toEqual(Array.from(first));
    if (hasDot) expect(Math.max(...other.map((v, i) => Math.abs(v - first[i]!)))).toBeGreaterThan(1e-4);
  });
});
