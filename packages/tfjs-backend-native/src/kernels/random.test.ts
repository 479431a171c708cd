// RandomUniform on native must draw exactly tfjs-core's numbers for the same seed (dropout
// masks then match the cpu backend's): compared bit for bit with `tf.randomUniform` on cpu.
import '../index.js';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithAddon, useNativeBackend } from '../test-helpers.js';
import { RANDOM_UNIFORM_KERNEL, fillAleaUniform } from './random.js';

function tfjsUniform(
  size: number,
  min: number,
  max: number,
  seed: number | string,
  dtype: 'float32' | 'int32',
) {
  return tf.tidy(() => tf.randomUniform([size], min, max, dtype, seed).dataSync());
}

describe('fillAleaUniform (the generator tfjs-core seeds with String(seed))', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  it.each([
    [0, 0, 1, 1000],
    [42, 0, 1, 4097],
    [4294967295, 0, 1, 300],
    [-7, 0, 1, 300],
    [0.125, -2, 3, 300],
    [123456789, 0.5, 0.75, 300],
    ['a string seed', 0, 1, 300],
  ] as const)(
    'seed %s, [%s, %s), %s values: same float32 bits as tf.randomUniform',
    (seed, min, max, size) => {
      const ours = new Float32Array(size);
      fillAleaUniform(ours, String(seed), min, max - min);
      expect(Array.from(ours)).toEqual(Array.from(tfjsUniform(size, min, max, seed, 'float32')));
    },
  );
  it('int32 truncates as tfjs does', () => {
    const ours = new Int32Array(500);
    fillAleaUniform(ours, '9', -10, 20);
    expect(Array.from(ours)).toEqual(Array.from(tfjsUniform(500, -10, 10, 9, 'int32')));
  });
});

describeWithAddon('RandomUniform kernel on native', () => {
  beforeAll(async () => {
    await useNativeBackend();
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
  const run = (attrs: Record<string, unknown>) =>
    tf.engine().runKernel(RANDOM_UNIFORM_KERNEL, {}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;

  it('is registered and gives tfjs-core numbers, with the shape asked for', async () => {
    expect(tf.getKernel(RANDOM_UNIFORM_KERNEL, 'native')).toBeDefined();
    const t = run({ shape: [3, 5, 7], minval: 0, maxval: 1, dtype: 'float32', seed: 11 });
    expect(t.shape).toEqual([3, 5, 7]);
    const got = Array.from(await t.data());
    t.dispose();
    await tf.setBackend('cpu');
    const want = Array.from(tfjsUniform(105, 0, 1, 11, 'float32'));
    await useNativeBackend();
    expect(got).toEqual(want);
  });
  it('a zero-sized shape gives an empty tensor', () => {
    const t = run({ shape: [0, 4], seed: 1 });
    expect(t.shape).toEqual([0, 4]);
    expect(t.size).toBe(0);
    t.dispose();
  });
  it('rejects a bad shape or dtype with a message naming it', () => {
    expect(() => run({ shape: [2, -1], seed: 1 })).toThrow(/RandomUniform: shape/);
    expect(() => run({ shape: [2], dtype: 'bool', seed: 1 })).toThrow(/RandomUniform: dtype/);
  });
});
