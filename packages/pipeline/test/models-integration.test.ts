// End to end through @ner/models: the oracle's tiny BERT checkpoint, fed the
// oracle's token ids, must give Python's pipeline outputs.
import '@tensorflow/tfjs-backend-cpu';
import { AutoModelForTokenClassification } from '@ner/models';
import { sharedPath } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AggregationStrategy,
  fromNerModel,
  type PipelineModel,
  TokenClassificationPipeline,
} from '../src/index.js';
import { ReplayTokenizer, toPipelineEncoding } from './fakes.js';
import { expectEntitiesToMatch, oracle } from './oracle-cases.js';

let model: PipelineModel;
beforeAll(async () => {
  await tf.setBackend('cpu');
  model = fromNerModel(
    await AutoModelForTokenClassification.fromPretrained(sharedPath('oracle', 'pipeline', 'model'), {
      logger: { warn: () => {} },
    }),
  );
});

const encodings = new Map(oracle.sentences.map((s) => [s.text, toPipelineEncoding(s.encoding)]));

describe('the oracle tiny model through @ner/models', () => {
  it('gives Python logits for every oracle sentence (1e-4)', async () => {
    for (const s of oracle.sentences) {
      const { data, shape } = await model.predict({
        inputIds: [s.encoding.ids],
        attentionMask: [s.encoding.attention_mask],
        tokenTypeIds: [s.encoding.type_ids],
      });
      expect(shape).toEqual([1, s.encoding.ids.length, 9]);
      const flat = s.model_logits.flat();
      let worst = 0;
      flat.forEach((v, i) => {
        worst = Math.max(worst, Math.abs(v - data[i]!));
      });
      expect(worst, s.id).toBeLessThan(1e-4);
    }
  });

  for (const strategy of oracle.strategies as AggregationStrategy[]) {
    it(`reproduces Python's pipeline outputs, strategy ${strategy}, batchSize 4`, async () => {
      const ner = new TokenClassificationPipeline(model, new ReplayTokenizer(encodings), {
        aggregationStrategy: strategy,
        batchSize: 4,
      });
      const outputs = await ner.run(oracle.sentences.map((s) => s.text));
      oracle.sentences.forEach((s, i) => {
        const expected = s.model_outputs[strategy]!;
        if (!('value' in expected)) throw new Error('unexpected oracle error');
        expectEntitiesToMatch(outputs[i]!, expected.value, `${s.id}/${strategy}`);
      });
    });
  }

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const s = oracle.sentences[0]!;
    await model.predict({
      inputIds: [s.encoding.ids],
      attentionMask: [s.encoding.attention_mask],
      tokenTypeIds: [s.encoding.type_ids],
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('batch size independence with a real model', () => {
  it('gives the same entities for batchSize 1 and 16 (padding is masked)', async () => {
    const texts = oracle.sentences.map((s) => s.text);
    const run = (batchSize: number) =>
      new TokenClassificationPipeline(model, new ReplayTokenizer(encodings), {
        aggregationStrategy: 'average',
        ignoreLabels: [],
        batchSize,
      }).run(texts);
    const one = await run(1);
    const many = await run(16);
    one.forEach((entities, i) => {
      expectEntitiesToMatch(many[i]!, entities, `sentence ${i}`);
    });
  });
});
