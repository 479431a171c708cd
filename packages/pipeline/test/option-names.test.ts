// Option names the pipelines do not take are refused, naming them, as Python's pipelines refuse
// an unexpected keyword argument: Python's snake_case spelling gets the name here, a typo the
// closest name, a pipeline() argument with no counterpart the reason. Otherwise
// `aggregation_strategy: 'simple'` would return ungrouped tokens without a word.
import { describe, expect, it } from 'vitest';
import {
  InvalidPipelineOptionError,
  pipeline,
  TextClassificationPipeline,
  TokenClassificationPipeline,
} from '../src/index.js';
import { oracleTokenizer, PerTokenModel } from './fakes.js';

const tokenizer = await oracleTokenizer();
const text = 'John lives in Berlin.';

describe('pipeline() option names', () => {
  it("names Python's spelling of an option with the name here", async () => {
    await expect(
      pipeline('ner', { model: new PerTokenModel(), tokenizer, ...{ aggregation_strategy: 'simple' } }),
    ).rejects.toThrow(
      "pipeline(): aggregation_strategy: unknown option; that is Python's spelling, here it is aggregationStrategy",
    );
  });

  it('suggests the closest name, and refuses a text-classification option for ner', async () => {
    await expect(
      pipeline('ner', { model: new PerTokenModel(), tokenizer, ...{ aggregationStrategie: 'simple' } }),
    ).rejects.toThrow('pipeline(): aggregationStrategie: unknown option; did you mean aggregationStrategy?');
    await expect(pipeline('ner', { model: new PerTokenModel(), tokenizer, ...{ topK: 2 } })).rejects.toThrow(
      InvalidPipelineOptionError,
    );
  });

  it('says why a Python argument has no counterpart, unless its value asks for nothing', async () => {
    await expect(
      pipeline('ner', { model: new PerTokenModel(), tokenizer, ...{ device: 0 } }),
    ).rejects.toThrow(/^pipeline\(\): device: not supported here: the model runs on the active tfjs backend/);
    const ner = await pipeline('ner', {
      model: new PerTokenModel(),
      tokenizer,
      aggregationStrategy: 'simple',
      ...{ device: null, use_fast: true },
    });
    expect(Array.isArray(await ner(text))).toBe(true);
  });
});

describe('per-call option names', () => {
  it('token classification: refused in a call and in the defaults given at creation', async () => {
    const ner = new TokenClassificationPipeline(new PerTokenModel(), tokenizer);
    await expect(ner.run(text, { ignore_labels: [] } as object)).rejects.toThrow(
      "token-classification pipeline: ignore_labels: unknown option; that is Python's spelling, here it is ignoreLabels",
    );
    const made = new TokenClassificationPipeline(new PerTokenModel(), tokenizer, { strides: 2 } as object);
    await expect(made.run(text)).rejects.toThrow(
      'token-classification pipeline: strides: unknown option; did you mean stride?',
    );
  });

  it('text classification', async () => {
    const classify = new TextClassificationPipeline(new PerTokenModel(), tokenizer);
    await expect(classify.run(text, { top_k: 2 } as object)).rejects.toThrow(
      "text-classification pipeline: top_k: unknown option; that is Python's spelling, here it is topK",
    );
  });
});
