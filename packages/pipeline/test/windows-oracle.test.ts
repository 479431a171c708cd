import { describe, expect, it } from 'vitest';
import { splitIntoWindows } from '../src/index.js';
import { FIXTURE_COUNTS, type OracleEncoding, oracle } from './oracle-cases.js';

const asPipelineEncoding = (e: OracleEncoding) => ({
  ids: e.ids,
  tokens: e.tokens,
  offsets: e.offsets,
  typeIds: e.type_ids,
  attentionMask: e.attention_mask,
  specialTokensMask: e.special_tokens_mask,
  wordIds: e.word_ids,
});

describe('splitIntoWindows reproduces the windows transformers 4.38 fed to the model', () => {
  it('the fixture has its 2 stride texts, each cut into more than one window', () => {
    expect(oracle.stride_cases).toHaveLength(FIXTURE_COUNTS.strideCases);
    for (const strideCase of oracle.stride_cases) expect(strideCase.chunks.length).toBeGreaterThan(1);
  });
  oracle.stride_cases.forEach((strideCase, c) => {
    it(`stride case ${c}: max ${strideCase.model_max_length}, stride ${strideCase.stride}`, () => {
      const windows = splitIntoWindows(
        asPipelineEncoding(strideCase.full_encoding),
        strideCase.model_max_length,
        strideCase.stride,
        { id: 0, token: '[PAD]' },
      );
      expect(windows).toEqual(strideCase.chunks.map((chunk) => asPipelineEncoding(chunk)));
    });
  });
  it('keeps a short encoding as one window', () => {
    const sentence = oracle.sentences[0]!;
    const windows = splitIntoWindows(asPipelineEncoding(sentence.encoding), 64, 8, { id: 0, token: '[PAD]' });
    expect(windows).toEqual([asPipelineEncoding(sentence.encoding)]);
  });
});
