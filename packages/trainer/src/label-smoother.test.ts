import '@tensorflow/tfjs-backend-cpu';
import { registerGradients } from '@ner/models';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainerError } from './errors.js';
import { labelSmoothedLoss } from './label-smoother.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  // The kernels' gradients, as a model registers them when built (tfjs-core alone has none).
  registerGradients();
});

/** Python's LabelSmoother in float64, written out loop by loop. */
function reference(logits: number[][], labels: number[], epsilon: number): number {
  let nll = 0;
  let smoothed = 0;
  let active = 0;
  logits.forEach((row, i) => {
    if (labels[i] === -100) return;
    const max = Math.max(...row);
    const logSum = max + Math.log(row.reduce((sum, x) => sum + Math.exp(x - max), 0));
    nll += logSum - row[labels[i]!]!;
    smoothed += row.reduce((sum, x) => sum + (logSum - x), 0);
    active += 1;
  });
  return (1 - epsilon) * (nll / active) + epsilon * (smoothed / (active * row0Length(logits)));
}
const row0Length = (rows: number[][]) => rows[0]!.length;

/** Seeded logits of `rows` x `classes` in [-3, 3). */
function randomLogits(rows: number, classes: number, seed: number): number[][] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648) * 6 - 3;
  };
  return Array.from({ length: rows }, () => Array.from({ length: classes }, next));
}

describe('labelSmoothedLoss (transformers LabelSmoother)', () => {
  it('token classification [2, 3, 5] with -100 positions: Python formula within 1e-6', () => {
    const flat = randomLogits(6, 5, 3);
    const labels = [1, -100, 4, 0, -100, 2];
    for (const epsilon of [0, 0.1, 0.5, 1]) {
      const loss = labelSmoothedLoss(
        tf.tensor3d(flat.flat(), [2, 3, 5]),
        tf.tensor2d(labels, [2, 3], 'int32'),
        epsilon,
      );
      expect(loss.shape).toEqual([]);
      expect(loss.dataSync()[0]).toBeCloseTo(reference(flat, labels, epsilon), 6);
    }
  });

  it('sequence classification [4, 3]: with epsilon 0 it is the cross-entropy', () => {
    const flat = randomLogits(4, 3, 11);
    const labels = [2, 0, 1, 1];
    const loss = labelSmoothedLoss(tf.tensor2d(flat), tf.tensor1d(labels, 'int32'), 0).dataSync()[0]!;
    const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), tf.tensor2d(flat));
    expect(loss).toBeCloseTo(ce.dataSync()[0]!, 6);
    expect(loss).toBeCloseTo(reference(flat, labels, 0), 6);
  });

  it('its gradient is (softmax - smoothed target) / active at active positions, 0 elsewhere', () => {
    const flat = randomLogits(3, 4, 5);
    const labels = [3, -100, 0];
    const epsilon = 0.2;
    const grad = tf
      .grad((x: tf.Tensor) => labelSmoothedLoss(x, tf.tensor1d(labels, 'int32'), epsilon))(tf.tensor2d(flat))
      .arraySync() as number[][];
    flat.forEach((row, i) => {
      const max = Math.max(...row);
      const z = row.reduce((sum, x) => sum + Math.exp(x - max), 0);
      row.forEach((x, c) => {
        const target = labels[i] === -100 ? 0 : (c === labels[i] ? 1 - epsilon : 0) + epsilon / 4;
        const expected = labels[i] === -100 ? 0 : (Math.exp(x - max) / z - target) / 2;
        expect(grad[i]![c]).toBeCloseTo(expected, 6);
      });
    });
  });

  it('all labels -100: NaN (0/0), as Python', () => {
    const loss = labelSmoothedLoss(tf.zeros([2, 3]), tf.tensor1d([-100, -100], 'int32'), 0.1);
    expect(Number.isNaN(loss.dataSync()[0])).toBe(true);
  });

  it('refuses float labels, a shape that does not match, and a class out of range', () => {
    expect(() => labelSmoothedLoss(tf.zeros([2, 1]), tf.tensor1d([0.5, 1.5]), 0.1)).toThrow(
      new TrainerError(
        'labelSmoothingFactor needs integer class labels; got float32 labels (a regression head has no classes to smooth over).',
      ),
    );
    expect(() => labelSmoothedLoss(tf.zeros([2, 3, 4]), tf.zeros([2, 4], 'int32'), 0.1)).toThrow(
      'labels of shape [2,4] do not match logits of shape [2,3,4] (expected [2,3])',
    );
    expect(() => labelSmoothedLoss(tf.zeros([2, 3]), tf.tensor1d([0, 3], 'int32'), 0.1)).toThrow(
      'label 3 at flat position 1 is outside [0, 3) and is not -100',
    );
  });
});
