// Mid-sized outputs come from size classes: a disposed output's buffer becomes the next output of
// any length in its class, never while something outside the backend can see it.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import '../src/index.js';
import { classBytes, usesClassPool } from '../src/kernels/size-class-pool.js';
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
    const values = second.dataSync();
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
});
