import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForTokenClassification, DistilBertConfig } from '@ner/models';
import { type PreparedInputs, toModelInputs } from '@ner/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeightedLossTrainer } from './weighted-loss-trainer.js';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'wnut-weighted-loss-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A tiny DistilBERT without dropout, so training-mode and evaluation losses agree.
const model = AutoModelForTokenClassification.fromConfig(
  new DistilBertConfig({
    vocabSize: 12,
    dim: 8,
    nLayers: 1,
    nHeads: 2,
    hiddenDim: 16,
    maxPositionEmbeddings: 8,
    dropout: 0,
    attentionDropout: 0,
    id2label: { 0: 'O', 1: 'B-person', 2: 'I-person' },
  }),
  { seed: 7 },
);
const batch = {
  input_ids: [
    [1, 5, 6, 7, 2],
    [1, 8, 9, 2, 0],
  ],
  attention_mask: [
    [1, 1, 1, 1, 1],
    [1, 1, 1, 1, 0],
  ],
  labels: [
    [-100, 1, 2, 0, -100],
    [-100, 0, 1, -100, -100],
  ],
};

/** Exposes the protected computeLoss. */
class Probe extends WeightedLossTrainer<unknown> {
  lossOf(inputs: PreparedInputs): number {
    return tf.tidy(() => (this.computeLoss(this.model, inputs) as tf.Scalar).dataSync()[0]!);
  }
}
const trainerWith = (weights: number[]) =>
  new Probe({ model, args: { outputDir: dir }, trainDataset: [batch] }, weights);

describe('WeightedLossTrainer', () => {
  it('with equal weights gives the model’s own cross-entropy loss', () => {
    const inputs = toModelInputs(batch);
    const trainer = trainerWith([2, 2, 2]);
    const own = tf.tidy(() => model.forward(inputs).loss!.dataSync()[0]!);
    expect(trainer.lossOf(inputs)).toBeCloseTo(own, 5);
    trainer.dispose();
    tf.dispose(Object.values(inputs));
  });

  it('is sum(w[y] · -log p(y)) / sum(w[y]) over the labelled tokens', () => {
    const inputs = toModelInputs(batch);
    const weights = [0.5, 3, 1];
    const logits = tf.tidy(() => tf.logSoftmax(model.forward(inputs).logits).arraySync()) as number[][][];
    let total = 0;
    let weightSum = 0;
    batch.labels.forEach((row, i) => {
      row.forEach((label, j) => {
        if (label === -100) return;
        total += weights[label]! * -logits[i]![j]![label]!;
        weightSum += weights[label]!;
      });
    });
    const trainer = trainerWith(weights);
    expect(trainer.lossOf(inputs)).toBeCloseTo(total / weightSum, 5);
    trainer.dispose();
    tf.dispose(Object.values(inputs));
  });

  it('names a weight list that does not match the label count', () => {
    const inputs = toModelInputs(batch);
    const trainer = trainerWith([1, 1]);
    expect(() => trainer.lossOf(inputs)).toThrow(/2 class weights for a model with 3 labels/);
    trainer.dispose();
    tf.dispose(Object.values(inputs));
  });
});
