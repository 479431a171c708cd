// What a trainer relies on: flat tensor count, seeded dropout and init, loss edge cases, input errors.
import '@tensorflow/tfjs-backend-cpu';
import { tinyBertSizes, tinyDistilBertSizes, tinyTokenBatch } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AutoModelForTokenClassification,
  BertConfig,
  BertForSequenceClassification,
  BertForTokenClassification,
  BertModel,
  DistilBertConfig,
  DistilBertForTokenClassification,
  InputError,
} from '../src/index.js';
import { modelDir, readInputs } from './oracle.js';

const tinyBert = () => new BertConfig({ ...tinyBertSizes(), numLabels: 3 });

const batch = tinyTokenBatch();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('memory', () => {
  it('keeps tf.memory().numTensors flat over 20 forward/backward/update steps', async () => {
    const inputs = readInputs('bert-token-cls');
    const model = await AutoModelForTokenClassification.fromPretrained(modelDir('bert-token-cls'));
    const oracleBatch = {
      input_ids: inputs.input_ids,
      attention_mask: inputs.attention_mask,
      token_type_ids: inputs.token_type_ids ?? null,
      labels: inputs.labels as number[][],
    };
    const counts: number[] = [];
    for (let step = 0; step < 20; step++) {
      const { loss, grads } = model.computeGradients(oracleBatch, { training: true });
      tf.tidy(() => {
        for (const [name, grad] of grads) {
          const variable = model.parameters.get(name)!;
          variable.assign(tf.sub(variable, tf.mul(grad, 1e-3)));
        }
      });
      tf.dispose([loss, ...grads.values()]);
      const output = model.forward(oracleBatch, { outputHiddenStates: true, outputAttentions: true });
      tf.dispose(output as unknown as tf.TensorContainer);
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts.slice(1)).size).toBe(1);
    model.dispose();
  });
});

describe('dropout and seeds', () => {
  it('same seed gives the same weights and the same training-mode losses; eval mode has no dropout', () => {
    const a = new BertForTokenClassification(tinyBert(), { seed: 3 });
    const b = new BertForTokenClassification(tinyBert(), { seed: 3 });
    const c = new BertForTokenClassification(tinyBert(), { seed: 4 });
    const weight = (m: BertForTokenClassification) => [
      ...m.parameters.get('bert.encoder.layer.0.attention.self.query.weight')!.dataSync(),
    ];
    expect(weight(a)).toEqual(weight(b));
    expect(weight(a)).not.toEqual(weight(c));
    const losses = (m: BertForTokenClassification, training: boolean) =>
      [0, 1, 2].map(() => {
        const loss = m.computeLoss(batch, { training });
        const value = loss.dataSync()[0]!;
        loss.dispose();
        return value;
      });
    const trainA = losses(a, true);
    expect(losses(b, true)).toEqual(trainA);
    expect(new Set(trainA).size).toBe(3);
    const evalA = losses(a, false);
    expect(new Set(evalA).size).toBe(1);
    expect(evalA[0]).not.toBe(trainA[0]);
    a.setSeed(11);
    b.setSeed(11);
    expect(losses(a, true)).toEqual(losses(b, true));
    for (const m of [a, b, c]) m.dispose();
  });

  it('initialises like _init_weights: padding row zero, LayerNorm ones/zeros, biases zero', () => {
    const model = new BertForTokenClassification(tinyBert(), { seed: 1 });
    const words = model.parameters.get('bert.embeddings.word_embeddings.weight')!;
    expect([...words.dataSync().slice(0, 16)]).toEqual(new Array(16).fill(0));
    expect([...model.parameters.get('bert.embeddings.LayerNorm.weight')!.dataSync()]).toEqual(
      new Array(16).fill(1),
    );
    expect([...model.parameters.get('bert.encoder.layer.1.output.dense.bias')!.dataSync()]).toEqual(
      new Array(16).fill(0),
    );
    const values = model.parameters.get('bert.encoder.layer.0.intermediate.dense.weight')!.dataSync();
    const std = Math.sqrt(Array.from(values).reduce((sum, v) => sum + v * v, 0) / values.length);
    expect(std).toBeGreaterThan(0.015);
    expect(std).toBeLessThan(0.025);
    expect(
      model
        .namedParameters()
        .map(([name]) => name)
        .slice(0, 3),
    ).toEqual([
      'bert.embeddings.word_embeddings.weight',
      'bert.embeddings.position_embeddings.weight',
      'bert.embeddings.token_type_embeddings.weight',
    ]);
    model.dispose();
  });

  it('the padding row gets no gradient, like nn.Embedding(padding_idx)', () => {
    const model = new BertForTokenClassification(tinyBert(), { seed: 2 });
    const { loss, grads } = model.computeGradients(batch);
    const grad = grads.get('bert.embeddings.word_embeddings.weight')!.dataSync();
    expect([...grad.slice(0, 16)]).toEqual(new Array(16).fill(0));
    expect(grad.slice(2 * 16, 3 * 16).some((v) => v !== 0)).toBe(true);
    tf.dispose([loss, ...grads.values()]);
    model.dispose();
  });
});

describe('losses', () => {
  it('all labels -100: loss 0 with zero gradients (PyTorch: NaN loss, zero gradients)', () => {
    const model = new DistilBertForTokenClassification(
      new DistilBertConfig({ ...tinyDistilBertSizes(1), numLabels: 3 }),
    );
    const ignored = { ...batch, labels: batch.labels.map((row) => row.map(() => -100)) };
    const { loss, grads } = model.computeGradients(ignored);
    expect(loss.dataSync()[0]).toBe(0);
    for (const grad of grads.values()) expect(grad.dataSync().every((v) => v === 0)).toBe(true);
    tf.dispose([loss, ...grads.values()]);
    model.dispose();
  });

  it('token loss is the mean over labelled positions (worked by hand for a zero model)', () => {
    // All-zero classifier: uniform logits, so each labelled token costs ln(3).
    const model = new BertForTokenClassification(tinyBert());
    model.parameters.get('classifier.weight')!.assign(tf.zeros([3, 16]));
    const loss = model.computeLoss(batch);
    expect(loss.dataSync()[0]).toBeCloseTo(Math.log(3), 6);
    loss.dispose();
    model.dispose();
  });

  it('multi-label gradients with labels given as arrays equal those with tensor labels', () => {
    // The BCE gradient read its targets through a closure: made from arrays inside the forward
    // pass's scope, they were freed before the backward pass ran ("reading 'backend'").
    const config = new BertConfig({
      ...tinyBertSizes(1),
      numLabels: 3,
      problemType: 'multi_label_classification',
    });
    const model = new BertForSequenceClassification(config, { seed: 4 });
    const labels = [
      [1, 0, 1],
      [0, 1, 0],
    ];
    const gradsOf = (given: number[][] | tf.Tensor) => {
      const { loss, grads } = model.computeGradients({ input_ids: batch.input_ids, labels: given });
      const values = [loss, ...grads.values()].map((t) => Array.from(t.dataSync()));
      tf.dispose([loss, ...grads.values()]);
      return values;
    };
    const fromTensor = tf.tensor2d(labels);
    const expected = gradsOf(fromTensor);
    fromTensor.dispose();
    expect(gradsOf(labels)).toEqual(expected);
    expect(expected[0]![0]).toBeGreaterThan(0);
    model.dispose();
  });

  it('sequence heads pick problem_type like Python and store it on the config', () => {
    const single = new BertForSequenceClassification(tinyBert());
    single.computeLoss({ input_ids: batch.input_ids, labels: tf.tensor1d([0, 2], 'int32') }).dispose();
    expect(single.config.problemType).toBe('single_label_classification');
    const multi = new BertForSequenceClassification(tinyBert());
    multi
      .computeLoss({
        input_ids: batch.input_ids,
        labels: tf.tensor2d([
          [1, 0, 1],
          [0, 0, 1],
        ]),
      })
      .dispose();
    expect(multi.config.problemType).toBe('multi_label_classification');
    const regressionConfig = tinyBert();
    regressionConfig.numLabels = 1;
    const regression = new BertForSequenceClassification(regressionConfig);
    regression.computeLoss({ input_ids: batch.input_ids, labels: tf.tensor1d([0.5, -1]) }).dispose();
    expect(regression.config.problemType).toBe('regression');
    for (const m of [single, multi, regression]) m.dispose();
  });
});

describe('inputs', () => {
  it('rejects ids outside the vocabulary, mismatched masks, long rows and bad labels', () => {
    const model = new BertForTokenClassification(tinyBert());
    expect(() => model.forward({ input_ids: [[2, 40]] })).toThrow(
      /input_ids\[0\]\[1\] = 40 is outside \[0, 40\)/,
    );
    expect(() => model.forward({ input_ids: [[2, 3]], attention_mask: [[1, 1, 1]] })).toThrow(InputError);
    expect(() => model.forward({ input_ids: [new Array(17).fill(1)] })).toThrow(
      /max_position_embeddings is 16/,
    );
    expect(() => model.forward({ input_ids: [[2, 3]], labels: [[0, 7]] })).toThrow(/value 7 at flat index 1/);
    expect(() => model.forward({ input_ids: [[2, 3], [4]] })).toThrow(/row 1 has 1 values/);
    model.dispose();
  });

  it('exposes the last hidden state and pooler output of the bare encoder ([CLS] features)', () => {
    const model = new BertModel(tinyBert());
    const output = model.forward({ input_ids: batch.input_ids, attention_mask: batch.attention_mask });
    expect(output.lastHiddenState.shape).toEqual([2, 5, 16]);
    expect(output.poolerOutput!.shape).toEqual([2, 16]);
    tf.dispose(output as unknown as tf.TensorContainer);
    model.dispose();
  });
});
