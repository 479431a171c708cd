// End to end through @ner/models on every backend: the oracle's tiny BERT checkpoint, fed the
// oracle's token ids, must give Python's logits and pipeline outputs.
import '@tensorflow/tfjs-backend-cpu';
import { AutoModelForTokenClassification } from '@ner/models';
import { sharedPath } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AggregationStrategy, type PipelineModel, TokenClassificationPipeline } from '../src/index.js';
import { fromNerModel } from '../src/internal.js';
import { oracleTokenizer } from './fakes.js';
import { describeOnOracleBackends } from './oracle-backends.js';
import { expectEntitiesToMatch, expectModelOutputs, FIXTURE_COUNTS, oracle } from './oracle-cases.js';

const tokenizer = await oracleTokenizer();

it('the fixture has its 16 sentences and Python outputs for each of the 5 strategies', () => {
  expect(oracle.sentences).toHaveLength(FIXTURE_COUNTS.sentences);
  expect(oracle.strategies).toHaveLength(FIXTURE_COUNTS.strategies);
  for (const s of oracle.sentences)
    expect(Object.keys(s.model_outputs).sort(), s.id).toEqual([...oracle.strategies].sort());
});

await describeOnOracleBackends('the oracle tiny model through @ner/models on %s', () => {
  let model: PipelineModel;
  beforeAll(async () => {
    model = fromNerModel(
      await AutoModelForTokenClassification.fromPretrained(sharedPath('oracle', 'pipeline', 'model'), {
        logger: { warn: () => {} },
      }),
    );
  });
  afterAll(() => model.dispose?.());

  it('gives Python logits for every oracle sentence (1e-4)', async () => {
    const compared: string[] = [];
    let comparedValues = 0;
    for (const s of oracle.sentences) {
      const { data, shape } = await model.predict({
        input_ids: [s.encoding.ids],
        attention_mask: [s.encoding.attention_mask],
        token_type_ids: [s.encoding.type_ids],
      });
      expect(shape).toEqual([1, s.encoding.ids.length, 9]);
      const flat = s.model_logits.flat();
      expect(data.length, s.id).toBe(flat.length);
      let worst = 0;
      flat.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(v - data[i]!));
      });
      expect(worst, s.id).toBeLessThan(1e-4);
      compared.push(s.id);
      comparedValues += data.length;
    }
    expect(compared).toHaveLength(FIXTURE_COUNTS.sentences);
    expect(comparedValues).toBe(oracle.sentences.reduce((sum, s) => sum + s.encoding.ids.length * 9, 0));
  });

  for (const strategy of oracle.strategies as AggregationStrategy[]) {
    it(`reproduces Python's pipeline outputs, strategy ${strategy}, batchSize 4`, async () => {
      const ner = new TokenClassificationPipeline(model, tokenizer, {
        aggregationStrategy: strategy,
        batchSize: 4,
      });
      expectModelOutputs(await ner.run(oracle.sentences.map((s) => s.text)), strategy);
    });
  }

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const s = oracle.sentences[0]!;
    await model.predict({
      input_ids: [s.encoding.ids],
      attention_mask: [s.encoding.attention_mask],
      token_type_ids: [s.encoding.type_ids],
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same entities for batchSize 1 and 16 (padding is masked)', async () => {
    const texts = oracle.sentences.map((s) => s.text);
    const run = (batchSize: number) =>
      new TokenClassificationPipeline(model, tokenizer, {
        aggregationStrategy: 'average',
        ignoreLabels: [],
        batchSize,
      }).run(texts);
    const one = await run(1);
    const many = await run(16);
    expect(one).toHaveLength(FIXTURE_COUNTS.sentences);
    one.forEach((entities, i) => {
      expectEntitiesToMatch(many[i]!, entities, `sentence ${i}`);
    });
  });
});
