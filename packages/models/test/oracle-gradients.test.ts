// Gradients on every backend: the batch-0 loss of each trained oracle checkpoint at its initial
// weights (eval mode) against Python's loss.backward() (train/grads_step1.safetensors), and the
// random-bias models against cpu. Compared relative to each gradient's norm (see backends.ts).
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { sharedPath } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoModelForSequenceClassification, AutoModelForTokenClassification } from '../src/index.js';
import {
  expectGradientsToMatch,
  gradientValues,
  NON_CPU_BACKENDS,
  ORACLE_BACKENDS,
  type OracleBackend,
  restoreCpu,
  useBackend,
} from './backends.js';
import { manifest, modelDir, readTensors } from './oracle.js';
import { RANDOM_BIAS_CASES, type RandomBiasCase } from './random-bias-models.js';

afterAll(restoreCpu);

const trained = Object.entries(manifest.models).filter(([, info]) => 'train' in info);

it('three oracle checkpoints have first-step gradients', () => {
  expect(trained.map(([name]) => name).sort()).toEqual([
    'bert-seq-cls',
    'bert-token-cls',
    'distilbert-token-cls',
  ]);
});

it('the comparison fails for an all-zero query gradient (an absolute 1e-5 tolerance passed it)', () => {
  const python = readTensors('bert-token-cls', 'train', 'grads_step1.safetensors');
  const expected = new Map([...python].map(([key, t]) => [key, t.data]));
  const key = 'bert.encoder.layer.0.attention.self.query.weight';
  expect(Math.max(...expected.get(key)!.map(Math.abs))).toBeLessThan(1e-5);
  const zeroed = new Map(expected).set(key, new Float32Array(expected.get(key)!.length));
  expect(() => expectGradientsToMatch(zeroed, expected, 'zeroed')).toThrow(/query\.weight: relative error/);
  expect(expectGradientsToMatch(expected, expected, 'same')).toBe(39);
});

describe.each(ORACLE_BACKENDS)('oracle gradients on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(trained)('%s: grads_step1 for every parameter, and no tensor leaks', async (name, info) => {
    const auto = info.task === 'token' ? AutoModelForTokenClassification : AutoModelForSequenceClassification;
    const model = await auto.fromPretrained(modelDir(name));
    const batches = JSON.parse(
      readFileSync(sharedPath('oracle', 'models', name, 'train', 'batches.json'), 'utf8'),
    );
    const first = Array.isArray(batches) ? batches[0] : batches.batches[0];
    const labels = tf.tensor(first.labels, undefined, first.labels_dtype === 'float32' ? 'float32' : 'int32');
    const batch = {
      input_ids: first.input_ids,
      attention_mask: first.attention_mask,
      token_type_ids: first.token_type_ids ?? null,
      labels,
    };
    const before = tf.memory().numTensors;
    const { loss, grads } = model.computeGradients(batch, { training: false });
    expect(Math.abs(loss.dataSync()[0]! - info.loss) / info.loss).toBeLessThan(1e-5);
    const expected = readTensors(name, 'train', 'grads_step1.safetensors');
    const compared = expectGradientsToMatch(
      gradientValues(grads),
      new Map([...expected].map(([key, t]) => [key, t.data])),
      `${name} on ${backend}`,
    );
    // The manifest's own count: every parameter is in one of the Trainer's two groups.
    const train = info.train!;
    expect(train.params_without_grad).toEqual([]);
    expect(compared).toBe(train.hf_trainer_groups.n_decay + train.hf_trainer_groups.n_no_decay);
    tf.dispose([loss, ...grads.values()]);
    // A second step (training mode, dropout on) leaves the tensor count where it was.
    const again = model.computeGradients(batch, { training: true });
    tf.dispose([again.loss, ...again.grads.values()]);
    expect(tf.memory().numTensors).toBe(before);
    labels.dispose();
    model.dispose();
  });
});

/** Loss and every gradient of a random-bias model on `backend`, as values. */
async function randomBiasGradients(backend: OracleBackend, testCase: RandomBiasCase) {
  await useBackend(backend);
  const model = testCase.build();
  const { loss, grads } = model.computeGradients(testCase.batch(), { training: false });
  const values = { loss: loss.dataSync()[0]!, grads: gradientValues(grads) };
  tf.dispose([loss, ...grads.values()]);
  model.dispose();
  return values;
}

describe.each(NON_CPU_BACKENDS)('random-bias models gradients on %s against cpu', (backend) => {
  it.each(RANDOM_BIAS_CASES)('$name: loss and every gradient', async (testCase) => {
    const reference = await randomBiasGradients('cpu', testCase);
    const actual = await randomBiasGradients(backend, testCase);
    expect(Math.abs(actual.loss - reference.loss) / reference.loss).toBeLessThan(1e-5);
    const compared = expectGradientsToMatch(actual.grads, reference.grads, `${testCase.name} on ${backend}`);
    expect(compared).toBe(testCase.parameterCount);
  });
});
