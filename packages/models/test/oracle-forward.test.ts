// Forward pass of every oracle checkpoint in eval mode against Python's outputs.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  AutoModelForSequenceClassification,
  AutoModelForTokenClassification,
  type ModelBatch,
} from '../src/index.js';
import { manifest, modelDir, readInputs, readTensors, worstError } from './oracle.js';

function batchOf(name: string): ModelBatch {
  const inputs = readInputs(name);
  const labels =
    inputs.labels_dtype === 'float32'
      ? tf.tensor(inputs.labels as number[], undefined, 'float32')
      : tf.tensor(inputs.labels as number[], undefined, 'int32');
  return {
    inputIds: inputs.input_ids,
    attentionMask: inputs.attention_mask,
    tokenTypeIds: inputs.token_type_ids ?? null,
    labels,
  };
}

describe.each(Object.entries(manifest.models))('oracle forward: %s', (name, info) => {
  it('matches logits, loss, hidden states and attentions', async () => {
    await tf.setBackend('cpu');
    const auto = info.task === 'token' ? AutoModelForTokenClassification : AutoModelForSequenceClassification;
    const model = await auto.fromPretrained(modelDir(name), { logger: { warn: () => {} } });
    expect(model.className).toBe(info.class);
    expect(model.loadingInfo?.missingKeys).toEqual([]);
    expect(model.loadingInfo?.unexpectedKeys).toEqual([]);
    expect(model.numParameters()).toBe(info.num_parameters);
    const expected = readTensors(name, 'outputs.safetensors');
    const batch = batchOf(name);
    const output = model.forward(batch, {
      training: false,
      outputHiddenStates: true,
      outputAttentions: true,
    });
    const actual = new Map<string, tf.Tensor>([['logits', output.logits]]);
    if (output.loss) actual.set('loss', output.loss);
    for (const [i, t] of (output.hiddenStates ?? []).entries()) actual.set(`hidden_states.${i}`, t);
    for (const [i, t] of (output.attentions ?? []).entries()) actual.set(`attentions.${i}`, t);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, want] of expected) {
      const got = actual.get(key)!;
      expect(got.shape, key).toEqual(want.shape);
      const { ratio, maxAbs } = worstError(got.dataSync(), want.data, 1e-5, 1e-5);
      expect(ratio, `${key} max abs diff ${maxAbs}`).toBeLessThanOrEqual(1);
    }
    expect(Math.abs(output.loss!.dataSync()[0]! - info.loss) / info.loss).toBeLessThan(1e-5);
    tf.dispose([output as unknown as tf.TensorContainer, batch.labels as tf.Tensor]);
    model.dispose();
  });
});
