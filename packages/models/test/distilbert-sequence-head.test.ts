// DistilBertForSequenceClassification has no oracle checkpoint of its own: load the DistilBERT oracle's
// encoder into it and check its head by hand on Python's last hidden state (hidden_states.2):
// logits = classifier(relu(pre_classifier(h[:, 0]))).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { DistilBertForSequenceClassification } from '../src/index.js';
import { modelDir, readInputs, readTensors, worstError } from './oracle.js';

it('pre_classifier + ReLU + classifier on the first token, over the Python encoder output', async () => {
  await tf.setBackend('cpu');
  const warnings: string[] = [];
  const model = await DistilBertForSequenceClassification.fromPretrained(modelDir('distilbert-token-cls'), {
    logger: { warn: (message) => warnings.push(message) },
  });
  expect(model.loadingInfo!.missingKeys).toEqual(['pre_classifier.bias', 'pre_classifier.weight']);
  expect(warnings[0]).toMatch(/^Some weights of DistilBertForSequenceClassification were not initialized/);
  const inputs = readInputs('distilbert-token-cls');
  const output = model.forward({ input_ids: inputs.input_ids, attention_mask: inputs.attention_mask });
  const hidden = readTensors('distilbert-token-cls', 'outputs.safetensors').get('hidden_states.2')!;
  const [batch, length, dim] = hidden.shape as [number, number, number];
  const preW = model.parameters.get('pre_classifier.weight')!.dataSync();
  const preB = model.parameters.get('pre_classifier.bias')!.dataSync();
  const clsW = model.parameters.get('classifier.weight')!.dataSync();
  const clsB = model.parameters.get('classifier.bias')!.dataSync();
  const labels = clsB.length;
  const expected: number[] = [];
  for (let b = 0; b < batch; b++) {
    const first = hidden.data.subarray(b * length * dim, b * length * dim + dim);
    const pooled = Array.from({ length: dim }, (_, o) => {
      let sum = preB[o]!;
      for (let i = 0; i < dim; i++) sum += preW[o * dim + i]! * first[i]!;
      return Math.max(sum, 0);
    });
    for (let c = 0; c < labels; c++) {
      let sum = clsB[c]!;
      for (let i = 0; i < dim; i++) sum += clsW[c * dim + i]! * pooled[i]!;
      expected.push(sum);
    }
  }
  expect(output.logits.shape).toEqual([batch, labels]);
  expect(worstError(output.logits.dataSync(), expected, 1e-6, 1e-5).ratio).toBeLessThanOrEqual(1);
  tf.dispose(output.logits);
  model.dispose();
});
