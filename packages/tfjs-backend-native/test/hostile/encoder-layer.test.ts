// Bad inputs to NerEncoderLayer (and to the addon's encoderLayer itself): each error names the
// kernel, the input and what was expected, and nothing is computed (no read past a short array).
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import '../../src/index.js';
import { requireAddon } from '../../src/addon.js';
import { ENCODER_LAYER_KERNEL } from '../../src/kernels/encoder-layer.js';
import { describeWithAddon } from '../../src/test-helpers.js';

afterAll(() => {
  tf.setBackend('cpu');
});

const run = (inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown> = { numHeads: 2 }) =>
  tf.tidy(() => tf.engine().runKernel(ENCODER_LAYER_KERNEL, inputs, attrs as tf.NamedAttrMap) as tf.Tensor);

/** A well-formed layer: x [2, 3, 8], FFN 12. */
function layer(): Record<string, tf.Tensor> {
  const [h, i] = [8, 12];
  return {
    x: tf.ones([2, 3, h]),
    mask: tf.zeros([2, 1, 1, 3]),
    queryWeight: tf.ones([h, h]),
    queryBias: tf.ones([h]),
    keyWeight: tf.ones([h, h]),
    keyBias: tf.ones([h]),
    valueWeight: tf.ones([h, h]),
    valueBias: tf.ones([h]),
    attentionOutputWeight: tf.ones([h, h]),
    attentionOutputBias: tf.ones([h]),
    attentionNormGamma: tf.ones([h]),
    attentionNormBeta: tf.zeros([h]),
    intermediateWeight: tf.ones([i, h]),
    intermediateBias: tf.ones([i]),
    outputWeight: tf.ones([h, i]),
    outputBias: tf.ones([h]),
    outputNormGamma: tf.ones([h]),
    outputNormBeta: tf.zeros([h]),
  };
}

describeWithAddon('NerEncoderLayer rejects bad inputs', () => {
  it('a well-formed layer runs (the cases below differ from it in one input)', () => {
    tf.setBackend('native');
    expect(tf.tidy(() => run(layer()).shape)).toEqual([2, 3, 8]);
  });

  it('names the input of the wrong shape, a missing one, and an int32 one', () => {
    tf.setBackend('native');
    expect(() => run({ ...layer(), keyWeight: tf.ones([8, 4]) })).toThrow(
      /NerEncoderLayer: input "keyWeight" has shape \[8,4\], expected \[8,8\]/,
    );
    expect(() => run({ ...layer(), outputWeight: tf.ones([8, 11]) })).toThrow(
      /NerEncoderLayer: input "outputWeight" has shape \[8,11\], expected \[8,12\]/,
    );
    const { outputNormBeta: _, ...missing } = layer();
    expect(() => run(missing)).toThrow(/NerEncoderLayer: input "outputNormBeta" must be a float32 tensor/);
    expect(() => run({ ...layer(), x: tf.ones([2, 3, 8], 'int32') })).toThrow(
      /NerEncoderLayer: input "x" must be a float32 tensor/,
    );
    expect(() => run({ ...layer(), x: tf.ones([6, 8]) })).toThrow(
      /NerEncoderLayer: x must be \[batch, length, hidden\], got \[6,8\]/,
    );
  });

  it('a mask of another size, heads that do not divide the hidden size', () => {
    tf.setBackend('native');
    expect(() => run({ ...layer(), mask: tf.zeros([2, 1, 1, 2]) })).toThrow(
      /NerEncoderLayer: mask has shape \[2,1,1,2\], expected batch x length = 2 x 3 float32 values/,
    );
    expect(() => run(layer(), { numHeads: 3 })).toThrow(
      /NerEncoderLayer: numHeads \(3\) must be a positive divisor of the hidden size 8/,
    );
  });

  it('the addon refuses short scratch, a short weight and y = x before computing anything', () => {
    const addon = requireAddon();
    const [h, i, rows] = [8, 12, 6];
    const f = (n: number, v = 0.5) => new Float32Array(n).fill(v);
    const linear = (n: number, k: number) => [f(n * k), null, null, f(n), false] as const;
    const x = f(rows * h);
    const y = f(rows * h, 7);
    const call = (scratch: Float32Array, out: Float32Array, qkvWeight = f(3 * h * h)) =>
      addon.encoderLayer(
        x,
        null,
        out,
        scratch,
        2,
        3,
        h,
        i,
        2,
        false,
        1e-12,
        qkvWeight,
        null,
        null,
        f(3 * h),
        false,
        ...linear(h, h),
        ...linear(i, h),
        ...linear(h, i),
        f(h),
        f(h),
        f(h),
        f(h),
      );
    const need = addon.encoderLayerScratchSize(rows, h, i);
    expect(need).toBe(rows * (5 * h + i));
    expect(() => call(f(need - 1), y)).toThrow(
      /encoderLayer: scratch is smaller than encoderLayerScratchSize/,
    );
    expect(() => call(f(need), y, f(3 * h * h - 1))).toThrow(
      /encoderLayer: argument 11 has 191 elements, expected 192/,
    );
    expect(() => call(f(need), x)).toThrow(/encoderLayer: y must not be x/);
    expect(y.every((v) => v === 7)).toBe(true);
    call(f(need), y);
    expect(y.every((v) => v !== 7 && Number.isFinite(v))).toBe(true);
  });
});
