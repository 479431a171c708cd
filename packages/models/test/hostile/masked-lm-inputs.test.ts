// BertForMaskedLM on labels and inputs that do not fit the model: InputErrors that say what and where,
// raised before any logits are computed.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BertConfig, BertForMaskedLM, InputError } from '../../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const model = () =>
  BertForMaskedLM.fromConfig(
    new BertConfig({
      vocabSize: 11,
      hiddenSize: 4,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
      intermediateSize: 8,
    }),
  );

describe('BertForMaskedLM on hostile input', () => {
  it('refuses a label outside the vocabulary, naming the value and where it is', () => {
    const m = model();
    const batch = { input_ids: [[2, 5, 3]], labels: [[-100, 11, -100]] };
    expect(() => m.computeLoss(batch)).toThrow(InputError);
    expect(() => m.computeLoss(batch)).toThrow(
      'labels: value 11 at flat index 1 is not a class id in [0, 11)',
    );
    expect(() => m.forward(batch)).toThrow(/value 11/);
    expect(() => m.computeLoss({ input_ids: [[2, 5, 3]], labels: [[-100, -3, -100]] })).toThrow(/value -3/);
    m.dispose();
  });

  it('refuses labels whose shape is not the shape of input_ids', () => {
    const m = model();
    expect(() => m.computeLoss({ input_ids: [[2, 5, 3]], labels: [[-100, 4]] })).toThrow(
      'labels has shape [1, 2]; masked language modeling expects [1, 3] like input_ids.',
    );
    expect(() => m.forward({ input_ids: [[2, 5, 3]], labels: [4, 4, 4] })).toThrow(/expects \[1, 3\]/);
    m.dispose();
  });

  it('refuses input ids outside the vocabulary and a loss without labels', () => {
    const m = model();
    expect(() => m.forward({ input_ids: [[2, 50, 3]] })).toThrow(/input_ids\[0\]\[1\] = 50/);
    expect(() => m.computeLoss({ input_ids: [[2, 5, 3]] })).toThrow(/needs batch.labels/);
    m.dispose();
  });
});
