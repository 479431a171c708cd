// NerSoftmaxGrad on native: the composite ops' values (Multiply, Sum, Sub, Multiply on this
// backend) bit for bit, a float64 reference within 1e-6, in one kernel; bad inputs refused.
import '../index.js';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SOFTMAX_GRAD_KERNEL } from '../../../../tools/kernel-contract/index.js';
import { describeWithAddon, randomArray, rng, useNativeBackend } from '../test-helpers.js';

beforeAll(async () => {
  await useNativeBackend();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** The composite gradient, as @ner/models computes it without the kernel. */
const composite = (dy: tf.Tensor, y: tf.Tensor) => tf.mul(y, tf.sub(dy, tf.sum(tf.mul(dy, y), -1, true)));

describeWithAddon('NerSoftmaxGrad', () => {
  // Attention-shaped rows of 128, rows off the 4-lane sum (7, 13) and one element.
  for (const shape of [
    [2, 3, 5, 128],
    [9, 7],
    [4, 13],
    [3, 1],
  ]) {
    it(`is the composite gradient bit for bit and a float64 reference within 1e-6 ([${shape}])`, () => {
      const random = rng(shape.reduce((a, b) => a + b, 0));
      const logits = tf.tensor(
        randomArray(
          random,
          shape.reduce((a, b) => a * b, 1),
          -6,
          6,
        ),
        shape,
      );
      const y = tf.softmax(logits);
      const dy = tf.tensor(randomArray(random, y.size, -2, 2), shape);
      const got = tf.engine().runKernel(SOFTMAX_GRAD_KERNEL, { dy, y }) as tf.Tensor;
      const gotValues = got.dataSync();
      expect(Array.from(gotValues)).toEqual(Array.from(composite(dy, y).dataSync()));
      const cols = shape[shape.length - 1]!;
      const [dyv, yv] = [dy.dataSync(), y.dataSync()];
      for (let r = 0; r < y.size / cols; r++) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += dyv[r * cols + c]! * yv[r * cols + c]!;
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          expect(Math.abs(gotValues[i]! - yv[i]! * (dyv[i]! - s))).toBeLessThanOrEqual(1e-6);
        }
      }
      tf.dispose([logits, y, dy, got]);
    });
  }

  it('runs as one kernel where the composite runs four', async () => {
    const y = tf.softmax(tf.ones([4, 8]));
    const dy = tf.ones([4, 8]);
    const fused = (await tf.profile(() => tf.engine().runKernel(SOFTMAX_GRAD_KERNEL, { dy, y }) as tf.Tensor))
      .kernels;
    const split = (await tf.profile(() => composite(dy, y))).kernels;
    expect(fused.map((k) => k.name)).toEqual([SOFTMAX_GRAD_KERNEL]);
    expect(split.map((k) => k.name)).toEqual(['Multiply', 'Sum', 'Sub', 'Multiply']);
    tf.dispose([y, dy]);
  });

  it('refuses inputs of different shapes or dtypes, naming them', () => {
    const y = tf.ones([2, 3]);
    for (const dy of [tf.ones([3, 2]), tf.ones([2, 3], 'int32')]) {
      expect(() => tf.engine().runKernel(SOFTMAX_GRAD_KERNEL, { dy, y })).toThrow(
        `${SOFTMAX_GRAD_KERNEL}: dy and y must be float32 tensors of one shape of rank >= 1 (got ${dy.dtype} [${dy.shape}], float32 [2,3])`,
      );
      dy.dispose();
    }
    y.dispose();
  });
});
