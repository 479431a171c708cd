// Bad inputs to the fused inference kernels: each error names the kernel, the input and the
// shape expected, and nothing is computed (no out-of-bounds read from a short array).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import '../../src/index.js';
import { requireAddon } from '../../src/addon.js';
import { describeWithAddon } from '../../src/test-helpers.js';

afterAll(() => {
  tf.setBackend('cpu');
});

const run = (kernel: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown> = {}) =>
  tf.tidy(() => tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap) as tf.Tensor);

describeWithAddon('fused inference kernels reject bad shapes', () => {
  it('NerQkvProjection: a key weight of the wrong shape', () => {
    tf.setBackend('native');
    const w = tf.ones([8, 8]);
    const b = tf.ones([8]);
    expect(() =>
      run('NerQkvProjection', {
        x: tf.ones([1, 3, 8]),
        queryWeight: w,
        queryBias: b,
        keyWeight: tf.ones([8, 4]),
        keyBias: b,
        valueWeight: w,
        valueBias: b,
      }),
    ).toThrow(/NerQkvProjection: input "keyWeight" has shape \[8,4\], expected \[8,8\]/);
  });

  it('NerSelfAttention: heads that do not divide the hidden size, a short mask, a bad qkv', () => {
    tf.setBackend('native');
    const qkv = tf.ones([2, 3, 24]);
    expect(() => run('NerSelfAttention', { qkv, mask: tf.zeros([2, 1, 1, 3]) }, { numHeads: 3 })).toThrow(
      /numHeads \(3\) must be a positive divisor of the hidden size 8/,
    );
    expect(() => run('NerSelfAttention', { qkv, mask: tf.zeros([2, 1, 1, 2]) }, { numHeads: 2 })).toThrow(
      /mask has shape \[2,1,1,2\], expected batch x length = 2 x 3 values/,
    );
    expect(() => run('NerSelfAttention', { qkv: tf.ones([2, 3, 25]) }, { numHeads: 1 })).toThrow(
      /qkv must be \[batch, length, 3 \* hidden\], got \[2,3,25\]/,
    );
  });

  it('NerLinearResidualLayerNorm: a residual of another shape, an int32 input', () => {
    tf.setBackend('native');
    const inputs = {
      x: tf.ones([4, 6]),
      weight: tf.ones([5, 6]),
      bias: tf.ones([5]),
      residual: tf.ones([4, 6]),
      gamma: tf.ones([5]),
      beta: tf.ones([5]),
    };
    expect(() => run('NerLinearResidualLayerNorm', inputs, { eps: 1e-5 })).toThrow(
      /input "residual" has shape \[4,6\], expected \[4,5\]/,
    );
    expect(() => run('NerLinearGelu', { ...inputs, x: tf.ones([4, 6], 'int32') })).toThrow(
      /NerLinearGelu: input "x" must be a float32 tensor/,
    );
    expect(() => run('NerLinearGelu', { ...inputs, weight: tf.ones([5, 7]) })).toThrow(
      /weight has shape \[5,7\], expected \[out, 6\] for x \[4,6\]/,
    );
  });

  it('the bf16 pair layout (vdpbf16ps) refuses an odd k, and a CPU without AVX512_BF16', () => {
    const addon = requireAddon();
    const k = 5;
    const n = 4;
    const packed = new Uint16Array(addon.packedPanelsSize(k, n));
    const expected = addon.cpuHasAvx512Bf16()
      ? /packPanelsBf16: the bf16 pair layout needs an even k/
      : /packPanelsBf16: the bf16 pair layout needs AVX512_BF16, which this CPU lacks/;
    expect(() => addon.packPanelsBf16(new Float32Array(k * n), true, k, n, packed, true)).toThrow(expected);
    expect(packed.every((v) => v === 0)).toBe(true);
  });
});
