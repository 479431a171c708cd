import { describe, expect, it } from 'vitest';
import { encodeWindows } from '../src/internal.js';
import { encodingFields, oracleTokenizer, toOracleEncoding } from './fakes.js';
import { FIXTURE_COUNTS, oracle } from './oracle-cases.js';

describe('the pipeline asks @ner/align for the windows transformers 4.38 fed to the model', () => {
  it('the fixture has its 2 stride texts, each cut into more than one window', () => {
    expect(oracle.stride_cases).toHaveLength(FIXTURE_COUNTS.strideCases);
    for (const strideCase of oracle.stride_cases) expect(strideCase.chunks.length).toBeGreaterThan(1);
  });
  oracle.stride_cases.forEach((strideCase, c) => {
    it(`stride case ${c}: max ${strideCase.model_max_length}, stride ${strideCase.stride}`, async () => {
      const tokenizer = await oracleTokenizer();
      const { windows, sourceIndices } = encodeWindows(
        tokenizer,
        strideCase.text,
        strideCase.model_max_length,
        strideCase.stride,
      );
      expect(windows.map(toOracleEncoding)).toEqual(strideCase.chunks.map(encodingFields));
      expect(sourceIndices).toBeNull();
    });
  });
  it('keeps a short encoding as one window', async () => {
    const sentence = oracle.sentences[0]!;
    const { windows } = encodeWindows(await oracleTokenizer(), sentence.text, 64, 8);
    expect(windows.map(toOracleEncoding)).toEqual([sentence.encoding]);
  });
});
