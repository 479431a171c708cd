// The whole pipeline from text on every backend: tokenizer.json (read by @ner/align) + the
// oracle's tiny BERT (@ner/models) + our post-processing must give Python's pipeline output.
import '@tensorflow/tfjs-backend-cpu';
import { Tokenizer } from '@ner/align';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AggregationStrategy, TokenClassifier, TokenEntity } from '../src/index.js';
import { toOracleEncoding } from './fakes.js';
import { describeOnOracleBackends } from './oracle-backends.js';
import {
  expectEntitiesToMatch,
  expectModelOutputs,
  FIXTURE_COUNTS,
  oracle,
  oracleDir,
  oracleNer,
} from './oracle-cases.js';

await describeOnOracleBackends('pipeline("ner") from text on the oracle model, %s backend', () => {
  let ner: TokenClassifier;
  beforeAll(async () => {
    // pipeline() calls initBackend(), which keeps the backend describeOnOracleBackends chose.
    ner = await oracleNer();
  });
  afterAll(() => ner.dispose());

  it('tokenizes every oracle sentence exactly as the oracle did', async () => {
    const compared: string[] = [];
    for (const s of oracle.sentences) {
      expect(toOracleEncoding(ner.pipeline.tokenizer.encode(s.text)), s.id).toEqual(s.encoding);
      compared.push(s.id);
    }
    expect(compared).toHaveLength(FIXTURE_COUNTS.sentences);
  });

  for (const strategy of oracle.strategies as AggregationStrategy[]) {
    it(`reproduces model_outputs for every sentence with ${strategy}`, async () => {
      const outputs = [];
      for (const s of oracle.sentences) outputs.push(await ner(s.text, { aggregationStrategy: strategy }));
      expectModelOutputs(outputs, strategy);
    });
  }

  it('runs a batch: array in, array out, same results as one by one', async () => {
    const texts = oracle.sentences.map((s) => s.text);
    const batched = await ner(texts, { aggregationStrategy: 'simple', batchSize: 5 });
    expect(batched).toHaveLength(texts.length);
    for (const [i, text] of texts.entries()) {
      expectEntitiesToMatch(batched[i]!, await ner(text, { aggregationStrategy: 'simple' }), text);
    }
  });

  it('reproduces the stride cases from the text alone', async () => {
    expect(oracle.stride_cases).toHaveLength(FIXTURE_COUNTS.strideCases);
    let compared = 0;
    for (const c of oracle.stride_cases) {
      // The oracle ran these with model_max_length 16/12/20; give the tokenizer that limit.
      const limited = await oracleNer({
        tokenizer: await Tokenizer.fromPretrained(oracleDir, { modelMaxLength: c.model_max_length }),
      });
      for (const strategy of ['simple', 'first', 'average', 'max'] as const) {
        const expected = c.outputs[strategy]!;
        if (!('value' in expected)) throw new Error('unexpected oracle error');
        expectEntitiesToMatch(
          await limited(c.text, { aggregationStrategy: strategy, stride: c.stride }),
          expected.value,
          strategy,
        );
        compared += 1;
      }
      limited.dispose();
    }
    expect(compared).toBe(FIXTURE_COUNTS.strideCases * 4);
  });

  it('takes pre-split words; offsets point into the words joined by spaces', async () => {
    const words = ['José', 'Martínez', 'moved', 'to', 'Zürich', '.'];
    const entities = (await ner(words, { isSplitIntoWords: true, ignoreLabels: [] })) as TokenEntity[];
    const joined = words.join(' ');
    expect(entities.map((e) => e.word.replace(/^##/, ''))).toEqual(
      entities.map((e) => joined.slice(e.start!, e.end!)),
    );
    const text = await ner(joined, { ignoreLabels: [] });
    // Same tokens as tokenizing the joined text here (no word contains a space or punctuation split).
    expect(entities.map((e) => [e.start, e.end, e.entity])).toEqual(
      (text as TokenEntity[]).map((e) => [e.start, e.end, e.entity]),
    );
  });
});
