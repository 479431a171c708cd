// @ner/trainer's optimizer path on cuda (fake device): its AdamW (the fused in-place NerAdamW),
// clipGradNorm and the Trainer's parameter groups, with no cpu fallback and flat memory.
import '@tensorflow/tfjs-backend-cpu';
import { BertConfig, BertForTokenClassification } from '@ner/models';
import { AdamW, clipGradNorm } from '@ner/trainer';
import { tinyBertSizes, tinyTokenBatch } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getFallbackCounts, resetFallbackCounts } from '../src/fallback.js';
import { cudaBackend, useFakeCuda } from './fake-backend.js';

beforeAll(async () => {
  await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

it('AdamW steps with gradient clipping: no fallback, flat tensors and device bytes, loss going down', () => {
  const model = new BertForTokenClassification(new BertConfig({ ...tinyBertSizes(1), numLabels: 3 }), {
    seed: 3,
  });
  const optimizer = new AdamW(model.namedParameters() as [string, tf.Variable][], {
    lr: 1e-2,
    weightDecay: 0.01,
  });
  const batch = tinyTokenBatch();
  resetFallbackCounts();
  const losses: number[] = [];
  const tensors: number[] = [];
  const bytes: number[] = [];
  for (let step = 0; step < 4; step++) {
    const { loss, grads } = model.computeGradients(batch, { training: true });
    const clipped = clipGradNorm(grads, 1.0);
    optimizer.step(clipped.grads);
    losses.push(loss.dataSync()[0]!);
    tf.dispose([loss, ...grads.values(), ...clipped.grads.values()]);
    tensors.push(tf.memory().numTensors);
    bytes.push(cudaBackend().memory().bytesInUse);
  }
  expect(getFallbackCounts()).toEqual({});
  expect(new Set(tensors.slice(1)).size, `tensors ${tensors}`).toBe(1);
  expect(new Set(bytes.slice(1)).size, `bytes ${bytes}`).toBe(1);
  expect(losses[3]).toBeLessThan(losses[0]!);
  model.dispose();
});
