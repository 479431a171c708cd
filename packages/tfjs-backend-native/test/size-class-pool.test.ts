// Mid-sized outputs come from size classes: a disposed output's buffer becomes the next output of
// any length in its class, never while something outside the backend can see it.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import '../src/index.js';
import { ENCODER_LAYER_KERNEL } from '../src/kernels/encoder-layer.js';
import {
  classBytes,
  classPoolStats,
  coarseClassArray,
  usesClassPool,
  usesCoarseClass,
} from '../src/kernels/size-class-pool.js';
import { describeWithAddon } from '../src/test-helpers.js';

afterAll(() => {
  tf.setBackend('cpu');
});

/** The backend's storage of `t` (the array the kernels wrote). */
function storage(t: tf.Tensor): Float32Array {
  return (tf.backend() as unknown as { data: { get(id: object): { values: Float32Array } } }).data.get(
    t.dataId,
  ).values;
}

describeWithAddon('size-class pool', () => {
  it('classes: 8 per octave, never smaller than the request, at most 12.5% larger', () => {
    for (const n of [16384, 23040, 23041, 30 * 768, 31 * 768, 69120, 92160, 200000]) {
      const bytes = classBytes(n);
      expect(bytes).toBeGreaterThanOrEqual(n * 4);
      expect(bytes).toBeLessThanOrEqual(n * 4 * 1.125);
    }
    expect(classBytes(30 * 768)).toBe(classBytes(31 * 768)); // 30 and 31 tokens share buffers
    expect(usesClassPool(16383)).toBe(false);
    expect(usesClassPool(1 << 18)).toBe(false);
  });

  it('a disposed output of 30 x 768 floats is the next output of 31 x 768, with the right values', () => {
    tf.setBackend('native');
    const a = tf.fill([30, 768], 2);
    const first = tf.exp(a);
    const buffer = storage(first).buffer;
    first.dispose();
    const b = tf.fill([31, 768], 1);
    const second = tf.exp(b);
    expect(storage(second).buffer).toBe(buffer);
    expect(storage(second).length).toBe(31 * 768);
    const values = second.dataSync() as Float32Array;
    expect(values.every((v) => Math.abs(v - Math.E) < 1e-6)).toBe(true);
    tf.dispose([a, b, second]);
  });

  it('an output whose values were read is never reused', () => {
    tf.setBackend('native');
    const x = tf.fill([30, 768], 1);
    const y = tf.exp(x);
    const read = y.dataSync();
    y.dispose();
    const z = tf.neg(x);
    expect(storage(z).buffer).not.toBe(read.buffer);
    expect(read.every((v) => Math.abs(v - Math.E) < 1e-6)).toBe(true); // untouched by the next output
    tf.dispose([x, z]);
  });

  it('coarse classes: a view of exactly n floats over a power of two of bytes, from 2^18 floats', () => {
    expect(usesCoarseClass((1 << 18) - 1)).toBe(false);
    expect(usesCoarseClass(1 << 18)).toBe(true);
    const n = 300 * 1000;
    const view = coarseClassArray(n);
    expect(view.length).toBe(n);
    expect(view.byteOffset).toBe(0);
    expect(view.buffer.byteLength).toBe(2 ** 21); // 1.2 MB rounded up to 2 MiB
  });

  it('a 1 MiB buffer of the finest classes and of the coarse ones is one size: counted once, either takes it', () => {
    tf.setBackend('native');
    const x = tf.fill([(1 << 18) - 1], 1);
    const y = tf.exp(x); // the last fine class: exactly 1 MiB
    const buffer = storage(y).buffer;
    expect(buffer.byteLength).toBe(2 ** 20);
    const before = classPoolStats().coarseBytes;
    y.dispose();
    expect(classPoolStats().coarseBytes).toBe(before + 2 ** 20);
    const coarse = coarseClassArray(1 << 18);
    expect(coarse.buffer).toBe(buffer);
    expect(classPoolStats().coarseBytes).toBe(before);
    x.dispose();
  });

  it("NerEncoderLayer's batch outputs: a new length in a class already seen reuses its buffer", () => {
    tf.setBackend('native');
    const [hidden, inner, heads] = [256, 64, 4];
    const layer = (batch: number, length: number) => {
      const v = (shape: number[], value: number) => tf.fill(shape, value);
      return {
        x: tf.randomNormal([batch, length, hidden], 0, 1, 'float32', 3),
        mask: tf.zeros([batch, 1, 1, length]),
        ...Object.fromEntries(
          ['query', 'key', 'value', 'attentionOutput'].flatMap((p) => [
            [`${p}Weight`, tf.randomNormal([hidden, hidden], 0, 0.05, 'float32', 4)],
            [`${p}Bias`, v([hidden], 0.1)],
          ]),
        ),
        intermediateWeight: tf.randomNormal([inner, hidden], 0, 0.05, 'float32', 5),
        intermediateBias: v([inner], 0.1),
        outputWeight: tf.randomNormal([hidden, inner], 0, 0.05, 'float32', 6),
        outputBias: v([hidden], 0.1),
        attentionNormGamma: v([hidden], 1),
        attentionNormBeta: v([hidden], 0),
        outputNormGamma: v([hidden], 1),
        outputNormBeta: v([hidden], 0),
      } as Record<string, tf.Tensor>;
    };
    const run = (inputs: Record<string, tf.Tensor>) =>
      tf.engine().runKernel(ENCODER_LAYER_KERNEL, inputs, { numHeads: heads, eps: 1e-12 }) as tf.Tensor;
    const small = layer(4, 260); // 266,240 floats: the 2 MiB class
    const first = run(small);
    const buffer = storage(first).buffer;
    expect(buffer.byteLength).toBe(2 ** 21);
    first.dispose();
    const large = layer(4, 300); // 307,200 floats: the same class, a new length
    const second = run(large);
    expect(storage(second).buffer).toBe(buffer);
    expect(storage(second).length).toBe(4 * 300 * hidden);
    // LayerNorm with gamma 1, beta 0: every row has mean ~0 and variance ~1 (the values were written).
    const values = second.dataSync() as Float32Array;
    const row = values.subarray(hidden * 599, hidden * 600);
    const mean = row.reduce((a, b) => a + b, 0) / hidden;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / hidden;
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    expect(Math.abs(variance - 1)).toBeLessThan(1e-3);
    // Read (handed out), so never reused: the next output of the class gets a buffer of its own.
    second.dispose();
    const third = run(small);
    expect(storage(third).buffer).not.toBe(buffer);
    tf.dispose([third, ...Object.values(small), ...Object.values(large)]);
  });
});
