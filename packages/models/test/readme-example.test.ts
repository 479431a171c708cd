// The README's example, step by step, on a tiny saved model (keep the two in step).
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AutoModelForTokenClassification, BertConfig, BertForTokenClassification } from '../src/index.js';

let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'models-readme-'));
  const config = new BertConfig({
    vocabSize: 8000,
    hiddenSize: 8,
    numHiddenLayers: 1,
    numAttentionHeads: 2,
    intermediateSize: 16,
    id2label: { 0: 'O', 1: 'B-PER', 2: 'I-PER' },
  });
  const saved = BertForTokenClassification.fromConfig(config, { seed: 42 });
  await saved.savePretrained(join(dir, 'my-ner-model'));
  saved.dispose();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('README example: load with new labels, forward a collator-style batch, one SGD step, save', async () => {
  const warnings: string[] = [];
  const model = await AutoModelForTokenClassification.fromPretrained(join(dir, 'my-ner-model'), {
    id2label: { 0: 'O', 1: 'B-PER', 2: 'I-PER', 3: 'B-LOC', 4: 'I-LOC' },
    ignoreMismatchedSizes: true,
    logger: { warn: (message) => warnings.push(message) },
  });
  expect(warnings.join('\n')).toMatch(/classifier\.weight/);
  const batch = {
    input_ids: [
      [101, 7632, 2088, 102],
      [101, 2088, 102, 0],
    ],
    attention_mask: [
      [1, 1, 1, 1],
      [1, 1, 1, 0],
    ],
    labels: [
      [-100, 1, 3, -100],
      [-100, 3, -100, -100],
    ],
  };
  const { logits, loss } = model.forward(batch);
  expect(logits.shape).toEqual([2, 4, 5]);
  const lossValue = loss!.dataSync()[0]!;
  expect(lossValue).toBeGreaterThan(Math.log(5) - 0.5);
  expect(lossValue).toBeLessThan(Math.log(5) + 0.5);
  tf.dispose([logits, loss!]);

  model.setSeed(42);
  const { loss: stepLoss, grads } = model.computeGradients(batch, { training: true });
  expect(grads.has('classifier.weight')).toBe(true);
  tf.tidy(() => {
    for (const [name, grad] of grads) {
      const weight = model.parameters.get(name)!;
      weight.assign(tf.sub(weight, tf.mul(grad, 1e-3)));
    }
  });
  tf.dispose([stepLoss, ...grads.values()]);

  await model.savePretrained(join(dir, 'my-ner-model-finetuned'));
  expect(readdirSync(join(dir, 'my-ner-model-finetuned')).sort()).toEqual([
    'config.json',
    'model.safetensors',
  ]);
  model.dispose();
});
