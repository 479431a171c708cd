// Forward passes on every backend: each oracle checkpoint (eval mode) against Python's outputs, and
// the random-bias models against cpu (the oracle checkpoints' Linear biases are all zero, so they
// cannot see a backend that adds a bias wrongly).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AutoModelForSequenceClassification,
  AutoModelForTokenClassification,
  type ModelBatch,
  type ModelOutput,
} from '../src/index.js';
import {
  NON_CPU_BACKENDS,
  ORACLE_BACKENDS,
  type OracleBackend,
  relativeError,
  restoreCpu,
  useBackend,
  valuesOf,
} from './backends.js';
import { manifest, modelDir, readInputs, readTensors, worstError } from './oracle.js';
import { RANDOM_BIAS_CASES, type RandomBiasCase } from './random-bias-models.js';

afterAll(restoreCpu);

function batchOf(name: string): ModelBatch {
  const inputs = readInputs(name);
  const labels =
    inputs.labels_dtype === 'float32'
      ? tf.tensor(inputs.labels as number[], undefined, 'float32')
      : tf.tensor(inputs.labels as number[], undefined, 'int32');
  return {
    input_ids: inputs.input_ids,
    attention_mask: inputs.attention_mask,
    token_type_ids: inputs.token_type_ids ?? null,
    labels,
  };
}

/** The outputs by the oracle's key names: logits, loss, hidden_states.N, attentions.N. */
function namedOutputs(output: ModelOutput): Map<string, tf.Tensor> {
  const named = new Map<string, tf.Tensor>([['logits', output.logits]]);
  if (output.loss) named.set('loss', output.loss);
  for (const [i, t] of (output.hiddenStates ?? []).entries()) named.set(`hidden_states.${i}`, t);
  for (const [i, t] of (output.attentions ?? []).entries()) named.set(`attentions.${i}`, t);
  return named;
}

const fixtures = Object.entries(manifest.models);

it('the manifest lists the five oracle checkpoints', () => {
  expect(fixtures.map(([name]) => name).sort()).toEqual([
    'bert-seq-cls',
    'bert-seq-multilabel',
    'bert-seq-regression',
    'bert-token-cls',
    'distilbert-token-cls',
  ]);
});

describe.each(ORACLE_BACKENDS)('oracle forward on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(fixtures)('%s matches logits, loss, hidden states and attentions', async (name, info) => {
    const auto = info.task === 'token' ? AutoModelForTokenClassification : AutoModelForSequenceClassification;
    const model = await auto.fromPretrained(modelDir(name), { logger: { warn: () => {} } });
    expect(model.className).toBe(info.class);
    expect(model.loadingInfo?.missingKeys).toEqual([]);
    expect(model.loadingInfo?.unexpectedKeys).toEqual([]);
    expect(model.numParameters()).toBe(info.num_parameters);
    const expected = readTensors(name, 'outputs.safetensors');
    const batch = batchOf(name);
    const before = tf.memory().numTensors;
    const output = model.forward(batch, {
      training: false,
      outputHiddenStates: true,
      outputAttentions: true,
    });
    const actual = namedOutputs(output);
    const compared: string[] = [];
    for (const [key, want] of expected) {
      const got = actual.get(key);
      expect(got, `${key} missing from the outputs`).toBeDefined();
      expect(got!.shape, key).toEqual(want.shape);
      const { ratio, maxAbs } = worstError(got!.dataSync(), want.data, 1e-5, 1e-5);
      expect(ratio, `${key} max abs diff ${maxAbs}`).toBeLessThanOrEqual(1);
      compared.push(key);
    }
    // Every output the manifest says Python wrote, and nothing more on our side.
    expect(compared.sort()).toEqual(Object.keys(info.outputs).sort());
    expect([...actual.keys()].sort()).toEqual(compared);
    expect(Math.abs(output.loss!.dataSync()[0]! - info.loss) / info.loss).toBeLessThan(1e-5);
    tf.dispose(output as unknown as tf.TensorContainer);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(batch.labels as tf.Tensor);
    model.dispose();
  });
});

/** Every forward output of a random-bias model on `backend`, as values. */
async function randomBiasForward(backend: OracleBackend, testCase: RandomBiasCase) {
  await useBackend(backend);
  const model = testCase.build();
  const output = model.forward(testCase.batch(), {
    training: false,
    outputHiddenStates: true,
    outputAttentions: true,
  });
  const values = new Map([...namedOutputs(output)].map(([key, t]) => [key, valuesOf(t)]));
  tf.dispose(output as unknown as tf.TensorContainer);
  model.dispose();
  return values;
}

describe('random-bias models', () => {
  it.each(RANDOM_BIAS_CASES)('$name: every bias and LayerNorm beta is nonzero', (testCase) => {
    const model = testCase.build();
    const biases = model.namedParameters().filter(([name]) => name.endsWith('.bias'));
    // Linear biases and LayerNorm betas: 2 per embedding LayerNorm, 8 per layer of 2, heads 1 or 2.
    expect(model.namedParameters()).toHaveLength(testCase.parameterCount);
    expect(biases.length).toBeGreaterThanOrEqual(18);
    for (const [name, bias] of biases) {
      const values = bias.dataSync();
      expect(
        values.every((value) => Math.abs(value) >= 0.1),
        name,
      ).toBe(true);
    }
    model.dispose();
  });
});

describe.each(NON_CPU_BACKENDS)('random-bias models forward on %s against cpu', (backend) => {
  it.each(RANDOM_BIAS_CASES)('$name: logits, loss, hidden states and attentions', async (testCase) => {
    const reference = await randomBiasForward('cpu', testCase);
    const actual = await randomBiasForward(backend, testCase);
    // logits, loss, 3 hidden states, 2 attention maps.
    expect(reference.size).toBe(7);
    expect([...actual.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [key, want] of reference) {
      expect(relativeError(actual.get(key)!, want), key).toBeLessThanOrEqual(1e-5);
    }
  });
});
