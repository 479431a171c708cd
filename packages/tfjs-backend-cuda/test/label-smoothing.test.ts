// The Trainer's label smoothing (labelSmoothingFactor, @ner/trainer's labelSmoothedLoss) on cuda:
// the loss and its gradient as on cpu, with no cpu fallback (its int32 ops on the labels,
// NotEqual, Maximum and OneHot, run on the device).
import '@tensorflow/tfjs-backend-cpu';
import { registerGradients } from '@ner/models';
import { labelSmoothedLoss } from '@ner/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, it } from 'vitest';
import { expectSameAsCpu, ints, uniform } from './compare.js';
import { useFakeCuda } from './fake-backend.js';

beforeAll(async () => {
  registerGradients();
  await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

it('label-smoothed loss and its gradient match cpu, with -100 positions, and nothing falls back', async () => {
  const [batch, length, classes] = [3, 7, 9];
  // Labels in [-1, classes): each -1 becomes -100 (ignored), as collated padding and sub-words are.
  const labels = ints(batch * length, 4, -1, classes).map((label) => (label < 0 ? -100 : label));
  for (const epsilon of [0, 0.1, 0.5]) {
    await expectSameAsCpu(() => {
      const logits = tf.tensor3d(uniform(batch * length * classes, 5), [batch, length, classes]);
      const target = tf.tensor2d(labels, [batch, length], 'int32');
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => labelSmoothedLoss(x, target, epsilon))([
        logits,
      ]);
      return [value, grads[0]!];
    });
  }
});
