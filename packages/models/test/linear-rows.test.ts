// `linear` on a [batch, length, in] input on the backends whose `_FusedMatMul` folds the batch
// into rows (native here, cuda in its own package): the 3-D input goes to the kernel as it is,
// with no reshape around it, and values and gradients are those of the 2-D view bit for bit, in
// fp32 and under bf16 autocast. The gradient of the weight is one product over all rows there.
import { nativeBackendInfo } from '@ner/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerGradients, withAutocast } from '../src/index.js';
import { linear } from '../src/nn.js';
import { restoreCpu, useBackend } from './backends.js';

const hasNative = nativeBackendInfo().available || !!process.env.CI;
beforeAll(() => registerGradients());
afterAll(restoreCpu);

const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.3 + i * 1.7));
const [batch, length, inF, outF] = [3, 7, 24, 10];

/** `linear` on the 2-D view, as it runs on other backends: reshape, product, reshape back. */
function viaRows(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.reshape(linear(tf.reshape(x, [-1, inF]), w, b), [batch, length, outF]);
}

/** Output and gradients (x, w, b) of sum(f(x, w, b)^2), as plain arrays. */
function run(
  f: (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  autocast: 'bf16' | null,
): number[][] {
  return tf.tidy(() => {
    const x = tf.tensor3d(values(batch * length * inF, 1), [batch, length, inF]);
    const w = tf.tensor2d(values(outF * inF, 2), [outF, inF]);
    const b = tf.tensor1d(values(outF, 3));
    return withAutocast(autocast, () => {
      const y = f(x, w, b);
      const grads = tf.grads((xv: tf.Tensor, wv: tf.Tensor, bv: tf.Tensor) =>
        tf.sum(tf.square(f(xv, wv, bv))),
      )([x, w, b]);
      return [y, ...grads].map((t) => Array.from(t.dataSync()));
    });
  });
}

describe.runIf(hasNative)('linear on a 3-D input, native', () => {
  beforeAll(() => useBackend('native'));

  for (const autocast of [null, 'bf16'] as const) {
    it(`gives the 2-D view's output and gradients bit for bit (${autocast ?? 'fp32'})`, () => {
      const got = run(linear, autocast);
      const want = run(viaRows, autocast);
      expect(got.map((v) => v.length)).toEqual([
        batch * length * outF,
        batch * length * inF,
        outF * inF,
        outF,
      ]);
      for (const [i, v] of got.entries()) expect(v, `output ${i}`).toEqual(want[i]);
      // Not a vacuous comparison: bf16 rounding changes the values.
      if (autocast) expect(got[0]).not.toEqual(run(linear, null)[0]);
    });
  }

  it('runs no reshape forward, and one product for the weight gradient', async () => {
    const x = tf.tensor3d(values(batch * length * inF, 1), [batch, length, inF]);
    const w = tf.tensor2d(values(outF * inF, 2), [outF, inF]);
    const b = tf.tensor1d(values(outF, 3));
    const forward = (await tf.profile(() => linear(x, w, b))).kernels.map((k) => k.name);
    expect(forward).toEqual(['_FusedMatMul']);
    const backward = (
      await tf.profile(() => tf.grads((wv: tf.Tensor) => tf.sum(linear(x, wv, b)))([w]))
    ).kernels.map((k) => k.name);
    // The weight's gradient: x and dy flattened to rows and one product. The gradient functions'
    // reshapes (those two and the sum's) are views without a kernel call here (reshapeView). The
    // 2-D view runs two reshapes forward, each with a saved copy (tfjs' Identity: this gradient is
    // not taken by computeGradients): four kernels more in all.
    expect(backward.filter((n) => n === 'BatchMatMul')).toHaveLength(1);
    expect(backward.filter((n) => n === 'Reshape')).toHaveLength(0);
    const viaRowsBackward = (
      await tf.profile(() => tf.grads((wv: tf.Tensor) => tf.sum(viaRows(x, wv, b)))([w]))
    ).kernels.map((k) => k.name);
    expect(viaRowsBackward.filter((n) => n === 'Reshape')).toHaveLength(2);
    expect(viaRowsBackward.filter((n) => n === 'Identity').length).toBe(
      backward.filter((n) => n === 'Identity').length + 2,
    );
    expect(viaRowsBackward.length - backward.length).toBe(4);
    tf.dispose([x, w, b]);
  });
});
