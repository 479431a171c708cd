// Output arrays of disposed tensors are reused (buffer-pool.ts), and never while anything can
// still see them: arrays handed out by dataSync, arrays another tensor views (cpu slices),
// arrays the caller passed in.
import '../index.js';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithAddon, randomArray, rng, useNativeBackend } from '../test-helpers.js';
import { POOL_MIN_FLOATS, poolStats } from './buffer-pool.js';

const d = describeWithAddon;
const SIZE = 2 * POOL_MIN_FLOATS; // pooled: at least the pool's minimum

beforeAll(async () => {
  await useNativeBackend();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

const storage = (t: tf.Tensor) =>
  (tf.backend() as unknown as { data: { get(id: tf.DataId): { values: Float32Array } } }).data.get(t.dataId)
    .values;

d('buffer pool', () => {
  const random = rng(31);
  const x = () => tf.tensor2d(randomArray(random, SIZE), [2, SIZE / 2]);

  it('a disposed output array is the next same-size output', () => {
    const input = x();
    const first = tf.mul(input, 2);
    const array = storage(first);
    first.dispose();
    const before = poolStats().arrays;
    expect(before).toBeGreaterThan(0);
    const second = tf.mul(input, 3);
    expect(storage(second)).toBe(array);
    expect(poolStats().arrays).toBe(before - 1);
    const want = Array.from(input.dataSync(), (v) => Math.fround(v * 3));
    expect(Array.from(second.dataSync())).toEqual(want);
    tf.dispose([input, second]);
  });

  it('an array handed out by dataSync is never reused', () => {
    const input = x();
    const doubled = tf.mul(input, 2);
    const seen = doubled.dataSync();
    const copy = Array.from(seen);
    doubled.dispose();
    const others = [0, 1, 2].map((i) => tf.mul(input, 10 + i));
    expect(Array.from(seen)).toEqual(copy);
    tf.dispose([input, ...others]);
  });

  it('an array a slice views is not reused while the slice lives', () => {
    const input = x();
    const doubled = tf.mul(input, 2);
    const row = tf.slice(doubled, [0, 0], [1, SIZE / 2]);
    doubled.dispose();
    const others = [0, 1, 2].map((i) => tf.mul(input, 10 + i));
    const want = Array.from(input.dataSync().subarray(0, SIZE / 2), (v) => Math.fround(v * 2));
    expect(Array.from(row.dataSync())).toEqual(want);
    tf.dispose([input, row, ...others]);
  });

  it('small arrays are left to the GC', () => {
    const before = poolStats().arrays;
    tf.tidy(() => tf.mul(tf.ones([POOL_MIN_FLOATS - 1]), 2)).dispose();
    expect(poolStats().arrays).toBe(before);
  });

  it('an array the caller passed to tf.tensor is never reused', () => {
    const values = randomArray(random, SIZE);
    const copy = Array.from(values);
    const t = tf.tensor1d(values);
    t.dispose();
    const others = [0, 1, 2].map((i) => tf.mul(tf.ones([SIZE]), i));
    expect(Array.from(values)).toEqual(copy);
    tf.dispose(others);
  });
});
