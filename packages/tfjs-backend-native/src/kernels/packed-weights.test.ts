// The packed weight copies of few-row products (packed-weights.ts): used from a matrix's second
// product on, same results as the cpu backend, and dropped when in-place AdamW changes the weight.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addon } from '../addon.js';
import { ADAMW_KERNEL_NAME } from '../index.js';
import { HAS_ADDON, describeWithAddon, randomArray, rng, useNativeBackend } from '../test-helpers.js';

const PANELS = HAS_ADDON && addon!.panelGemmEnabled();
// Without the addon: skipped locally, failing under CI (describeWithAddon); with it but no
// AVX-512F, skipped (the panel kernel does not exist on this CPU).
const d = HAS_ADDON ? describe.skipIf(!PANELS) : describeWithAddon;
if (HAS_ADDON && !PANELS) console.warn('[packed-weights tests] skipped: this CPU has no AVX-512F');

beforeAll(async () => {
  await useNativeBackend();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** x @ w^T on the cpu backend, from the same values (the reference). */
function onCpu(
  x: Float32Array,
  xShape: number[],
  w: Float32Array,
  wShape: number[],
  transposeB: boolean,
): Float32Array {
  const previous = tf.getBackend();
  tf.setBackend('cpu');
  try {
    return tf.tidy(() =>
      tf
        .matMul(tf.tensor(x.slice(), xShape), tf.tensor(w.slice(), wShape), false, transposeB)
        .dataSync()
        .slice(),
    ) as Float32Array;
  } finally {
    tf.setBackend(previous);
  }
}

function expectClose(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++)
    worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1e-5 + 1e-5 * Math.abs(want[i]!)));
  expect(worst).toBeLessThanOrEqual(1);
}

d('packed weight copies', () => {
  const random = rng(11);

  it.each([
    [[1, 30, 200], [70, 200], true], // @ner/models Linear: x @ W^T, W stored [out, in]
    [[30, 200], [200, 70], false],
    [[2, 7, 300], [300, 33], false], // batch rows folded: 14 rows against one matrix
  ] as [number[], number[], boolean][])(
    '%j x %j transposeB=%s: packed from the second product on',
    (xShape, wShape, tb) => {
      const x = randomArray(
        random,
        xShape.reduce((a, b) => a * b, 1),
        -1,
        1,
      );
      const w = randomArray(
        random,
        wShape.reduce((a, b) => a * b, 1),
        -1,
        1,
      );
      const want = onCpu(x, xShape, w, wShape, tb);
      const weight = tf.tensor(w, wShape);
      const input = tf.tensor(x, xShape);
      const spy = vi.spyOn(addon!, 'gemmPacked');
      try {
        const first = tf.tidy(() => tf.matMul(input, weight, false, tb).dataSync().slice()) as Float32Array;
        expect(spy).not.toHaveBeenCalled();
        const second = tf.tidy(() => tf.matMul(input, weight, false, tb).dataSync().slice()) as Float32Array;
        const third = tf.tidy(() => tf.matMul(input, weight, false, tb).dataSync().slice()) as Float32Array;
        expect(spy).toHaveBeenCalledTimes(2);
        expectClose(first, want);
        expectClose(second, want);
        expect(Array.from(third)).toEqual(Array.from(second));
      } finally {
        spy.mockRestore();
        tf.dispose([weight, input]);
      }
    },
  );

  it('fused matMul with a bias adds it inside the packed product (same as the cpu backend)', () => {
    const x = randomArray(random, 9 * 50, -1, 1);
    const w = randomArray(random, 45 * 50, -1, 1);
    const bias = randomArray(random, 45, -1, 1);
    const want = onCpu(x, [9, 50], w, [45, 50], true).map((v, i) => v + bias[i % 45]!);
    const [xs, ws, bs] = [tf.tensor2d(x, [9, 50]), tf.tensor2d(w, [45, 50]), tf.tensor1d(bias)];
    const spy = vi.spyOn(addon!, 'gemmPacked');
    const add = vi.spyOn(addon!, 'binary');
    try {
      const run = () =>
        tf.tidy(() =>
          tf.fused.matMul({ a: xs, b: ws, transposeB: true, bias: bs }).dataSync().slice(),
        ) as Float32Array;
      expectClose(run(), Float32Array.from(want)); // first use: product, then a separate Add
      expect(add).toHaveBeenCalledTimes(1);
      expectClose(run(), Float32Array.from(want)); // packed: bias inside the product
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0]![6]).toBeInstanceOf(Float32Array);
      expect(add).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
      add.mockRestore();
      tf.dispose([xs, ws, bs]);
    }
  });

  it('products with many rows do not use a packed copy', () => {
    const weight = tf.tensor(randomArray(random, 64 * 48), [64, 48]);
    const input = tf.tensor(randomArray(random, 300 * 48), [300, 48]);
    const spy = vi.spyOn(addon!, 'gemmPacked');
    try {
      tf.tidy(() => [0, 1, 2].map(() => tf.matMul(input, weight, false, true).dataSync()));
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
      tf.dispose([weight, input]);
    }
  });

  it('in-place AdamW drops the copy: the next product sees the new weights', () => {
    const wShape = [40, 64];
    const w0 = randomArray(random, 40 * 64, -1, 1);
    const x = randomArray(random, 5 * 64, -1, 1);
    const weight = tf.tensor(w0.slice(), wShape); // its own storage (tf.tensor may keep the array)
    const input = tf.tensor(x, [5, 64]);
    const grad = tf.tensor(randomArray(random, 40 * 64, -1, 1), wShape);
    const m = tf.zeros(wShape);
    const v = tf.zeros(wShape);
    const product = () =>
      tf.tidy(() => tf.matMul(input, weight, false, true).dataSync().slice()) as Float32Array;
    product();
    expectClose(product(), onCpu(x, [5, 64], w0, wShape, true)); // packed now
    const outputs = tf.engine().runKernel(
      ADAMW_KERNEL_NAME,
      { param: weight, grad, m, v },
      {
        decayFactor: 1,
        beta1: 0.9,
        beta2: 0.999,
        biasCorrection2Sqrt: Math.sqrt(1 - 0.999),
        eps: 1e-8,
        stepSize: 0.5, // large: every weight moves by ~0.5
        inPlace: true,
      },
    ) as tf.Tensor[];
    expect(outputs).toHaveLength(0); // updated in place
    const w1 = weight.dataSync().slice() as Float32Array;
    expect(Array.from(w1)).not.toEqual(Array.from(w0));
    expectClose(product(), onCpu(x, [5, 64], w1, wShape, true));
    expectClose(product(), onCpu(x, [5, 64], w1, wShape, true));
    tf.dispose([weight, input, grad, m, v]);
  });
});

d('gemm with the panel kernel switched off (OpenBLAS)', () => {
  it('gives the same products, and switching back works', () => {
    const random = rng(12);
    const a = randomArray(random, 3 * 37 * 50, -1, 1);
    const b = randomArray(random, 3 * 50 * 45, -1, 1);
    const run = () =>
      tf.tidy(() =>
        tf
          .matMul(tf.tensor(a, [3, 37, 50]), tf.tensor(b, [3, 45, 50]), false, true)
          .dataSync()
          .slice(),
      ) as Float32Array;
    const panels = run();
    expect(addon!.setPanelGemm(false)).toBe(false);
    try {
      expect(addon!.panelGemmEnabled()).toBe(false);
      expectClose(run(), panels);
    } finally {
      expect(addon!.setPanelGemm(true)).toBe(true);
    }
    expect(Array.from(run())).toEqual(Array.from(panels));
  });
});
