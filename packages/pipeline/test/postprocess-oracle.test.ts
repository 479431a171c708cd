import { describe, expect, it } from 'vitest';
import {
  type AggregationStrategy,
  InvalidPipelineOptionError,
  UnknownAggregationStrategyError,
} from '../src/index.js';
import {
  float32Softmax,
  gatherPreEntities,
  postprocessTokenClassification,
  sanitizeTokenClassificationParameters,
  type TokenClassificationWindow,
} from '../src/internal.js';
import { expectEntitiesToMatch, FIXTURE_COUNTS, type OracleEncoding, oracle } from './oracle-cases.js';
import { wordPieceTraits } from './word-piece-traits.js';

// [UNK] is id 1 in the oracle vocab.
const tokenizer = wordPieceTraits({ unkTokenId: 1 });
const conll9 = oracle.label_sets.conll9!;

function windowOf(encoding: OracleEncoding, logits: number[][]): TokenClassificationWindow {
  return {
    inputIds: encoding.ids,
    tokens: encoding.tokens,
    offsets: encoding.offsets,
    specialTokensMask: encoding.special_tokens_mask,
    logits,
  };
}

// The tests below are generated from cases.json; this pins how many cases that is and that every
// Python output in it is one of the generated comparisons (none is left unread).
describe('the cases compared are the whole fixture', () => {
  it('16 sentences, 2 stride texts, 13 _sanitize_parameters calls, 5 strategies', () => {
    expect(oracle.sentences).toHaveLength(FIXTURE_COUNTS.sentences);
    expect(oracle.stride_cases).toHaveLength(FIXTURE_COUNTS.strideCases);
    expect(oracle.sanitize_parameters).toHaveLength(FIXTURE_COUNTS.sanitizeParameters);
    expect(oracle.strategies).toHaveLength(FIXTURE_COUNTS.strategies);
  });

  it('every sentence and stride text has an output for each strategy, and crafted logits a known label set', () => {
    const strategies = [...oracle.strategies].sort();
    let craftedOutputs = 0;
    for (const sentence of oracle.sentences) {
      expect(Object.keys(sentence.model_outputs).sort(), sentence.id).toEqual(strategies);
      expect(sentence.pre_entities.length, sentence.id).toBeLessThanOrEqual(sentence.encoding.ids.length);
      for (const [setName, crafted] of Object.entries(sentence.crafted)) {
        expect(oracle.label_sets[crafted.label_set], `${sentence.id} ${setName}`).toBeDefined();
        expect(Object.keys(crafted.outputs).sort()).toEqual(Object.keys(oracle.ignore_label_variants).sort());
        for (const byStrategy of Object.values(crafted.outputs)) {
          expect(Object.keys(byStrategy).sort()).toEqual(strategies);
          craftedOutputs += Object.keys(byStrategy).length;
        }
      }
    }
    for (const strideCase of oracle.stride_cases)
      expect(Object.keys(strideCase.outputs).sort()).toEqual(strategies);
    // Each sentence has crafted logits for both label sets, each run with 3 ignoreLabels variants.
    expect(craftedOutputs).toBe(FIXTURE_COUNTS.sentences * 2 * 3 * FIXTURE_COUNTS.strategies);
  });
});

describe('gatherPreEntities matches Python gather_pre_entities', () => {
  for (const sentence of oracle.sentences) {
    it(`${sentence.id}: ${JSON.stringify(sentence.text)}`, () => {
      const window = windowOf(sentence.encoding, sentence.model_logits);
      const pre = gatherPreEntities(
        sentence.text,
        { ...window, scores: window.logits.map((row) => float32Softmax(row)) },
        tokenizer,
      );
      expect(
        pre.map(({ word, start, end, index, isSubword }) => ({
          word,
          start,
          end,
          index,
          is_subword: isSubword,
        })),
      ).toEqual(sentence.pre_entities);
    });
  }
});

describe('postprocess on the tiny model logits matches Python for every strategy', () => {
  for (const sentence of oracle.sentences) {
    for (const strategy of oracle.strategies) {
      it(`${sentence.id} ${strategy}`, () => {
        const expected = sentence.model_outputs[strategy]!;
        if (!('value' in expected)) throw new Error(`oracle has an error for ${sentence.id} ${strategy}`);
        const actual = postprocessTokenClassification(
          sentence.text,
          [windowOf(sentence.encoding, sentence.model_logits)],
          { id2label: conll9, tokenizer, aggregationStrategy: strategy as AggregationStrategy },
        );
        expectEntitiesToMatch(actual, expected.value, `${sentence.id}/${strategy}`);
      });
    }
  }
});

describe('postprocess on crafted logits matches Python per label set and ignoreLabels', () => {
  for (const sentence of oracle.sentences) {
    for (const [setName, crafted] of Object.entries(sentence.crafted)) {
      for (const [variant, byStrategy] of Object.entries(crafted.outputs)) {
        const ignoreLabels = oracle.ignore_label_variants[variant];
        for (const [strategy, expected] of Object.entries(byStrategy)) {
          it(`${sentence.id} ${setName} ignore=${variant} ${strategy}`, () => {
            if (!('value' in expected)) throw new Error('unexpected oracle error');
            const actual = postprocessTokenClassification(
              sentence.text,
              [windowOf(sentence.encoding, crafted.logits)],
              {
                id2label: oracle.label_sets[crafted.label_set]!,
                tokenizer,
                aggregationStrategy: strategy as AggregationStrategy,
                ...(ignoreLabels === null || ignoreLabels === undefined ? {} : { ignoreLabels }),
              },
            );
            expectEntitiesToMatch(actual, expected.value, `${sentence.id}/${setName}/${variant}/${strategy}`);
          });
        }
      }
    }
  }
});

describe('stride windows are merged as Python merges them', () => {
  oracle.stride_cases.forEach((strideCase, c) => {
    for (const strategy of oracle.strategies) {
      it(`stride case ${c} (max ${strideCase.model_max_length}, stride ${strideCase.stride}) ${strategy}`, () => {
        const expected = strideCase.outputs[strategy]!;
        const run = () => {
          const params = sanitizeTokenClassificationParameters(
            { aggregationStrategy: strategy as AggregationStrategy, stride: strideCase.stride },
            { isFast: true, modelMaxLength: strideCase.model_max_length },
          );
          return postprocessTokenClassification(
            strideCase.text,
            strideCase.chunks.map((chunk, i) => windowOf(chunk, strideCase.chunk_logits[i]!)),
            { id2label: conll9, tokenizer, ...params.postprocess },
          );
        };
        if ('error' in expected) {
          expect(expected.error.type).toBe('ValueError');
          expect(run).toThrow(InvalidPipelineOptionError);
          expect(run).toThrow(/`stride` was provided/);
        } else {
          expectEntitiesToMatch(run(), expected.value, `stride ${c}/${strategy}`);
        }
      });
    }
  });
});

const camel: Record<string, string> = {
  aggregation_strategy: 'aggregationStrategy',
  ignore_labels: 'ignoreLabels',
  grouped_entities: 'groupedEntities',
  ignore_subwords: 'ignoreSubwords',
  stride: 'stride',
  offset_mapping: 'offsetMapping',
};

/** Python's first four words, ignoring punctuation, snake/camel case and letter case. */
function looseMessagePattern(pythonMessage: string): RegExp {
  const words = pythonMessage
    .replace(/[^A-Za-z ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 4);
  return new RegExp(words.join('.*'), 'i');
}

describe('sanitizeTokenClassificationParameters matches Python _sanitize_parameters', () => {
  for (const testCase of oracle.sanitize_parameters) {
    it(testCase.name, () => {
      const options = Object.fromEntries(Object.entries(testCase.kwargs).map(([k, v]) => [camel[k] ?? k, v]));
      const run = () =>
        sanitizeTokenClassificationParameters(options, {
          isFast: testCase.tokenizer_is_fast,
          modelMaxLength: testCase.model_max_length,
        });
      if ('error' in testCase.result) {
        const errorClass =
          testCase.result.error.type === 'KeyError'
            ? UnknownAggregationStrategyError
            : InvalidPipelineOptionError;
        expect(run).toThrow(errorClass);
        // Python's message, loosely: the same words once quotes, backticks and our extra detail are dropped.
        expect(run).toThrow(looseMessagePattern(testCase.result.error.message));
        return;
      }
      const { preprocess, postprocess } = run();
      const expected = testCase.result.value;
      const expectedPre = expected.preprocess.tokenizer_params
        ? {
            tokenizerParams: {
              returnOverflowingTokens: (expected.preprocess.tokenizer_params as Record<string, unknown>)
                .return_overflowing_tokens,
              padding: true,
              stride: (expected.preprocess.tokenizer_params as Record<string, unknown>).stride,
            },
          }
        : {};
      expect(preprocess).toEqual(expectedPre);
      const expectedPost = Object.fromEntries(
        Object.entries(expected.postprocess).map(([k, v]) => [camel[k] ?? k, v]),
      );
      expect(postprocess).toEqual(expectedPost);
    });
  }
});
