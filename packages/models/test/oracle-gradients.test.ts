// Gradients of the batch-0 loss at the initial weights (eval mode) against
// Python's loss.backward() (train/grads_step1.safetensors).
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { sharedPath } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AutoModelForSequenceClassification, AutoModelForTokenClassification } from '../src/index.js';
import { manifest, modelDir, readTensors, worstError } from './oracle.js';

const trained = Object.entries(manifest.models).filter(([, info]) => 'train' in info);

describe.each(trained)('oracle gradients: %s', (name, info) => {
  it('match grads_step1 for every parameter', async () => {
    await tf.setBackend('cpu');
    const auto = info.task === 'token' ? AutoModelForTokenClassification : AutoModelForSequenceClassification;
    const model = await auto.fromPretrained(modelDir(name));
    const batches = JSON.parse(
      readFileSync(sharedPath('oracle', 'models', name, 'train', 'batches.json'), 'utf8'),
    );
    const first = Array.isArray(batches) ? batches[0] : batches.batches[0];
    const labels = tf.tensor(first.labels, undefined, first.labels_dtype === 'float32' ? 'float32' : 'int32');
    const { loss, grads } = model.computeGradients(
      {
        inputIds: first.input_ids,
        attentionMask: first.attention_mask,
        tokenTypeIds: first.token_type_ids ?? null,
        labels,
      },
      { training: false },
    );
    expect(Math.abs(loss.dataSync()[0]! - info.loss) / info.loss).toBeLessThan(1e-5);
    const expected = readTensors(name, 'train', 'grads_step1.safetensors');
    expect([...grads.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, want] of expected) {
      const got = grads.get(key)!;
      expect(got.shape, key).toEqual(want.shape);
      const { ratio, maxAbs } = worstError(got.dataSync(), want.data, 1e-5, 1e-4);
      expect(ratio, `${key}: max abs diff ${maxAbs}`).toBeLessThanOrEqual(1);
    }
    tf.dispose([loss, labels, ...grads.values()]);
    model.dispose();
  });
});
