import { describe, expect, it } from 'vitest';
import {
  type AggregationStrategy,
  InvalidPipelineOptionError,
  TokenClassificationPipeline,
  type TokenEntity,
} from '../src/index.js';
import { oracleTokenizer, PerTokenModel, ReplayModel } from './fakes.js';
import { expectEntitiesToMatch, oracle } from './oracle-cases.js';

const conll9 = oracle.label_sets.conll9!;
const tokenizer = await oracleTokenizer();
const logits = new Map(oracle.sentences.map((s) => [s.encoding.ids.join(','), s.model_logits]));

describe('TokenClassificationPipeline glue (oracle encodings and logits replayed)', () => {
  for (const strategy of oracle.strategies as AggregationStrategy[]) {
    for (const batchSize of [1, 3, 16]) {
      it(`${strategy}, batch of all sentences, batchSize ${batchSize}`, async () => {
        const model = new ReplayModel(logits, conll9);
        const ner = new TokenClassificationPipeline(model, tokenizer, {
          aggregationStrategy: strategy,
          batchSize,
        });
        const outputs = await ner.run(oracle.sentences.map((s) => s.text));
        expect(outputs).toHaveLength(oracle.sentences.length);
        oracle.sentences.forEach((s, i) => {
          const expected = s.model_outputs[strategy]!;
          if (!('value' in expected)) throw new Error('unexpected oracle error');
          expectEntitiesToMatch(outputs[i]!, expected.value, `${s.id}/${strategy}`);
        });
        expect(model.batches).toEqual(
          Array.from({ length: Math.ceil(oracle.sentences.length / batchSize) }, (_, k) =>
            Math.min(batchSize, oracle.sentences.length - k * batchSize),
          ),
        );
      });
    }
  }

  it('a single string gives a single entity list; per-call options override the defaults', async () => {
    const s = oracle.sentences[1]!;
    const ner = new TokenClassificationPipeline(new ReplayModel(logits, conll9), tokenizer);
    const tokens = await ner.run(s.text);
    expect(tokens).toEqual((s.model_outputs.none as { value: unknown }).value);
    const grouped = await ner.run(s.text, { aggregationStrategy: 'first' });
    expectEntitiesToMatch(grouped, (s.model_outputs.first as { value: TokenEntity[] }).value, 'first');
  });
});

describe('TokenClassificationPipeline on long texts', () => {
  oracle.stride_cases.forEach((c, n) => {
    const chunkLogits = new Map(
      c.chunks.map((chunk, i) => [
        chunk.ids.filter((_, j) => chunk.attention_mask[j]).join(','),
        c.chunk_logits[i]!,
      ]),
    );
    for (const strategy of oracle.strategies as AggregationStrategy[]) {
      it(`stride case ${n} ${strategy} with stride ${c.stride} reproduces Python`, async () => {
        const windowed = await oracleTokenizer(c.model_max_length);
        const ner = new TokenClassificationPipeline(new ReplayModel(chunkLogits, conll9), windowed, {
          batchSize: 2,
        });
        const expected = c.outputs[strategy]!;
        const call = () => ner.run(c.text, { aggregationStrategy: strategy, stride: c.stride });
        if ('error' in expected) {
          await expect(call()).rejects.toThrow(InvalidPipelineOptionError);
        } else {
          expectEntitiesToMatch(await call(), expected.value, `stride ${n} ${strategy}`);
        }
      });
    }
  });

  it('without stride, a text longer than the model reads every token (no silent cut)', async () => {
    const c = oracle.stride_cases[1]!;
    const full = c.full_encoding;
    const short = await oracleTokenizer(12);
    const roomy = await oracleTokenizer(64);
    const windowed = (await new TokenClassificationPipeline(new PerTokenModel(), short).run(c.text, {
      ignoreLabels: [],
    })) as TokenEntity[];
    const whole = (await new TokenClassificationPipeline(new PerTokenModel(), roomy).run(c.text, {
      ignoreLabels: [],
    })) as TokenEntity[];
    expect(full.ids.length).toBeGreaterThan(12);
    // Every content token once, with its index in the whole encoding.
    expect(windowed.map((e) => e.index)).toEqual(full.ids.map((_, i) => i).slice(1, -1));
    expect(windowed).toEqual(whole);
  });
});
