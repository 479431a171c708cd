// The fused inference kernels (src/kernels/inference.ts) on `native` against the composite tfjs
// ops they replace, run on the cpu backend: seeded random layers, one sentence and a padded
// batch, shapes on and off the panel kernel's 32-column and 12-row blocks, fp32 and bf16 weights
// (bf16 products: test/bf16-products.test.ts), and a weight whose values change in place (the
// prepared copy must follow).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import '../src/index.js';
import {
  LINEAR_GELU_KERNEL,
  LINEAR_RESIDUAL_LAYER_NORM_KERNEL,
  QKV_PROJECTION_KERNEL,
  SELF_ATTENTION_KERNEL,
} from '../src/kernels/inference.js';
import { ADAMW_KERNEL_NAME } from '../src/kernels/adamw.js';
import { roundToBf16 } from '../src/kernels/inference-weights.js';
import { type Input, describeWithAddon, expectSameAsCpu, randomArray, rng } from '../src/test-helpers.js';
import { additiveMask, attention, gelu, layerNorm, linear } from './layer-composites.js';

beforeAll(() => {
  tf.setBackend('cpu');
});
afterAll(() => {
  tf.setBackend('cpu');
});

function run(
  kernel: string,
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, unknown> = {},
): tf.Tensor {
  return tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}

const random = rng(19);
const values = (n: number, scale = 1): Float32Array => randomArray(random, n, -scale, scale);
const input = (shape: number[], scale = 1): Input => ({
  values: values(
    shape.reduce((a, b) => a * b, 1),
    scale,
  ),
  shape,
});

describeWithAddon('fused inference kernels against the composite ops on cpu', () => {
  for (const [batch, length, hidden, heads, inner] of [
    [1, 30, 96, 4, 160],
    [3, 13, 64, 2, 100],
    [2, 1, 40, 5, 72],
    // Head size 80 (two 64-column passes of the AVX-512 context), 37 keys (two 32-key score blocks).
    [2, 37, 160, 2, 64],
  ] as const) {
    const label = `B ${batch}, T ${length}, H ${hidden}, ${heads} heads, FFN ${inner}`;
    it(`NerQkvProjection: ${label}`, () => {
      const ins = [
        input([batch, length, hidden]),
        ...[0, 1, 2].flatMap(() => [input([hidden, hidden], 0.2), input([hidden])]),
      ];
      for (let round = 0; round < 2; round++) {
        expectSameAsCpu(
          ins,
          (x, wq, bq, wk, bk, wv, bv) =>
            tf.getBackend() === 'native'
              ? run(QKV_PROJECTION_KERNEL, {
                  x: x!,
                  queryWeight: wq!,
                  queryBias: bq!,
                  keyWeight: wk!,
                  keyBias: bk!,
                  valueWeight: wv!,
                  valueBias: bv!,
                })
              : tf.concat([linear(x!, wq!, bq!), linear(x!, wk!, bk!), linear(x!, wv!, bv!)], -1),
          1e-5,
          1e-5,
          `round ${round}`,
        );
      }
    });

    for (const scaleQueryFirst of [false, true]) {
      it(`NerSelfAttention (scaleQueryFirst ${scaleQueryFirst}): ${label}`, () => {
        expectSameAsCpu(
          [input([batch, length, 3 * hidden], 2), additiveMask(batch, length)],
          (qkv, mask) =>
            tf.getBackend() === 'native'
              ? run(SELF_ATTENTION_KERNEL, { qkv: qkv!, mask: mask! }, { numHeads: heads, scaleQueryFirst })
              : attention(qkv!, mask!, heads, scaleQueryFirst),
          1e-5,
          1e-5,
        );
      });
    }

    it(`NerLinearGelu and NerLinearResidualLayerNorm: ${label}`, () => {
      expectSameAsCpu(
        [input([batch, length, hidden]), input([inner, hidden], 0.2), input([inner])],
        (x, w, b) =>
          tf.getBackend() === 'native'
            ? run(LINEAR_GELU_KERNEL, { x: x!, weight: w!, bias: b! })
            : gelu(linear(x!, w!, b!)),
        1e-5,
        1e-5,
        'gelu',
      );
      expectSameAsCpu(
        [
          input([batch, length, inner]),
          input([hidden, inner], 0.2),
          input([hidden]),
          input([batch, length, hidden]),
          input([hidden]),
          input([hidden]),
        ],
        (x, w, b, r, g, beta) =>
          tf.getBackend() === 'native'
            ? run(
                LINEAR_RESIDUAL_LAYER_NORM_KERNEL,
                { x: x!, weight: w!, bias: b!, residual: r!, gamma: g!, beta: beta! },
                { eps: 1e-12 },
              )
            : layerNorm(tf.add(linear(x!, w!, b!), r!), g!, beta!, 1e-12),
        1e-5,
        1e-5,
        'residual LayerNorm',
      );
    });
  }

  it('roundToBf16 rounds to nearest even and keeps NaN and infinities', () => {
    const out = roundToBf16(
      new Float32Array([1, 1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -7 + 2 ** -9, Number.NaN, Infinity]),
    );
    expect(Array.from(out.slice(0, 4))).toEqual([1, 1, 1 + 2 ** -6, 1 + 2 ** -7]);
    expect(out[4]).toBeNaN();
    expect(out[5]).toBe(Infinity);
  });

  it('a weight updated in place by AdamW is prepared again', () => {
    tf.setBackend('native');
    const x = tf.tensor(values(5 * 32), [5, 32]);
    const initial = tf.tensor(values(48 * 32, 0.2), [48, 32]);
    const w = tf.variable(initial);
    initial.dispose();
    const b = tf.tensor(values(48), [48]);
    const before = run(LINEAR_GELU_KERNEL, { x, weight: w, bias: b }).dataSync().slice();
    const [grad, m, v] = [tf.onesLike(w), tf.zerosLike(w), tf.zerosLike(w)];
    const attrs = {
      decayFactor: 1,
      beta1: 0.9,
      beta2: 0.999,
      biasCorrection2Sqrt: Math.sqrt(0.001),
      eps: 1e-8,
      stepSize: 1,
      inPlace: true,
    };
    const outputs = tf
      .engine()
      .runKernel(ADAMW_KERNEL_NAME, { param: w, grad, m, v }, attrs) as unknown as tf.Tensor[];
    expect(outputs).toHaveLength(0); // updated in place: same storage, new values
    const after = run(LINEAR_GELU_KERNEL, { x, weight: w, bias: b }).dataSync();
    const want = tf.tidy(() => gelu(linear(x, w, b)).dataSync());
    expect(Math.max(...after.map((value, i) => Math.abs(value - want[i]!)))).toBeLessThan(1e-5);
    expect(Math.max(...after.map((value, i) => Math.abs(value - before[i]!)))).toBeGreaterThan(1e-3);
    tf.dispose([x, w, b, grad, m, v]);
    tf.setBackend('cpu');
  });
});
