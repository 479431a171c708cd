// Gradient checkpointing on cuda (fake device): the recomputed layers run the device's fused
// kernels (NerLayerNorm, NerGeluErf, cuBLASLt products) with no cpu fallback, give the gradients
// of an ordinary step, and keep far fewer bytes between the forward and the backward pass.
import '@tensorflow/tfjs-backend-cpu';
import { BertConfig, BertForTokenClassification } from '@ner/models';
import { tinyTokenBatch } from '@ner/test-support';
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

it('the same gradients with layers recomputed, no fallback, fewer bytes held at the loss', () => {
  const model = new BertForTokenClassification(
    new BertConfig({
      vocabSize: 40,
      hiddenSize: 32,
      numHiddenLayers: 3,
      numAttentionHeads: 4,
      intermediateSize: 64,
      maxPositionEmbeddings: 16,
      numLabels: 3,
    }),
    { seed: 8 },
  );
  const batch = tinyTokenBatch();
  const step = () => {
    model.setSeed(5);
    let bytesAtLoss = 0;
    const computeLoss = model.computeLoss.bind(model);
    model.computeLoss = (b, options) => {
      const loss = computeLoss(b, options);
      bytesAtLoss = cudaBackend().memory().bytesInUse;
      return loss;
    };
    const { loss, grads } = model.computeGradients(batch, { training: true });
    model.computeLoss = computeLoss;
    const values = [loss, ...grads.values()].map((t) => Array.from(t.dataSync()));
    tf.dispose([loss, ...grads.values()]);
    return { values, bytesAtLoss };
  };
  const plain = step();
  model.gradientCheckpointingEnable();
  resetFallbackCounts();
  const before = tf.memory().numTensors;
  const checkpointed = step();
  expect(getFallbackCounts()).toEqual({});
  expect(tf.memory().numTensors).toBe(before);
  plain.values.forEach((expected, i) => {
    const got = checkpointed.values[i]!;
    const scale = Math.max(...expected.map(Math.abs), 1e-6);
    expect(Math.max(...expected.map((v, j) => Math.abs(v - got[j]!))) / scale).toBeLessThan(1e-5);
  });
  expect(checkpointed.bytesAtLoss).toBeLessThan(plain.bytesAtLoss);
  model.dispose();
});
