// Gradient checkpointing (gradientCheckpointingEnable, Python's gradient_checkpointing_enable):
// the loss and every gradient as without it, dropout on, on every backend of the oracle suite;
// fewer tensors alive between the forward and the backward pass; nothing left after a step.
import { tinyBertSizes, tinyDistilBertSizes, tinyTokenBatch } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BertConfig,
  BertForSequenceClassification,
  BertForTokenClassification,
  DistilBertConfig,
  DistilBertForTokenClassification,
} from '../src/index.js';
import { ORACLE_BACKENDS, restoreCpu, useBackend } from './backends.js';

afterAll(restoreCpu);

type Model = BertForTokenClassification | DistilBertForTokenClassification | BertForSequenceClassification;

/** Loss and gradients of one seeded training step (dropout on), as numbers. */
function step(model: Model, batch: Record<string, unknown>): Map<string, number[]> {
  model.setSeed(21);
  const { loss, grads } = model.computeGradients(batch as never, { training: true });
  const out = new Map<string, number[]>([['loss', Array.from(loss.dataSync())]]);
  for (const [name, grad] of grads) out.set(name, Array.from(grad.dataSync()));
  tf.dispose([loss, ...grads.values()]);
  return out;
}

function expectClose(actual: Map<string, number[]>, expected: Map<string, number[]>): void {
  expect([...actual.keys()]).toEqual([...expected.keys()]);
  for (const [name, values] of expected) {
    const got = actual.get(name)!;
    const scale = Math.max(...values.map(Math.abs), 1e-6);
    const worst = Math.max(...values.map((v, i) => Math.abs(v - got[i]!)));
    expect(worst / scale, `${name}: largest difference ${worst} at scale ${scale}`).toBeLessThan(1e-5);
  }
}

const models: [string, () => Model, () => Record<string, unknown>][] = [
  [
    'BERT token classification',
    () => new BertForTokenClassification(new BertConfig({ ...tinyBertSizes(2), numLabels: 3 }), { seed: 3 }),
    tinyTokenBatch,
  ],
  [
    'DistilBERT token classification',
    () =>
      new DistilBertForTokenClassification(
        new DistilBertConfig({ ...tinyDistilBertSizes(2), numLabels: 3 }),
        {
          seed: 3,
        },
      ),
    tinyTokenBatch,
  ],
  [
    'BERT sequence classification',
    () =>
      new BertForSequenceClassification(new BertConfig({ ...tinyBertSizes(2), numLabels: 3 }), { seed: 3 }),
    () => ({
      input_ids: tinyTokenBatch().input_ids,
      attention_mask: tinyTokenBatch().attention_mask,
      labels: [0, 2],
    }),
  ],
];

describe.each(ORACLE_BACKENDS)('on %s', (backend) => {
  it.each(models)('%s: the same loss and gradients with layers recomputed', async (_name, make, batch) => {
    await useBackend(backend);
    const model = make();
    const plain = step(model, batch());
    expect(model.isGradientCheckpointing).toBe(false);
    model.gradientCheckpointingEnable();
    expect(model.isGradientCheckpointing).toBe(true);
    const before = tf.memory().numTensors;
    const checkpointed = step(model, batch());
    expect(tf.memory().numTensors).toBe(before);
    expectClose(checkpointed, plain);
    model.gradientCheckpointingDisable();
    expect(step(model, batch())).toEqual(plain);
    model.dispose();
  });
});

it('keeps fewer tensors between the forward and the backward pass', async () => {
  await useBackend('cpu');
  const model = new BertForTokenClassification(new BertConfig({ ...tinyBertSizes(4), numLabels: 3 }), {
    seed: 3,
  });
  /** Tensors alive when the loss is made: the forward pass done, the backward pass not begun. */
  const count = (checkpoint: boolean) => {
    if (checkpoint) model.gradientCheckpointingEnable();
    else model.gradientCheckpointingDisable();
    const before = tf.memory().numTensors;
    let peak = 0;
    const originalLoss = model.computeLoss.bind(model);
    model.computeLoss = (batch, options) => {
      const loss = originalLoss(batch, options);
      peak = tf.memory().numTensors - before;
      return loss;
    };
    const { loss, grads } = model.computeGradients(tinyTokenBatch(), { training: true });
    tf.dispose([loss, ...grads.values()]);
    model.computeLoss = originalLoss;
    return peak;
  };
  const kept = count(false);
  const recomputed = count(true);
  // Four layers, each keeping its input and the mask instead of its activations (about 80
  // tensors a layer here): 405 tensors against 69 on 2026-12-07.
  expect(recomputed).toBeLessThan(kept / 4);
  model.dispose();
});
