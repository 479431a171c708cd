// The tokenizer and the label aligners refuse option names they do not take, naming them:
// `encode(words, { is_split_into_words: true })` would otherwise encode the words as one text.
import { describe, expect, it } from 'vitest';
import {
  AlignInputError,
  alignLabelsWithTokens,
  Tokenizer,
  TokenizerLoadError,
  tokenizeAndAlignLabels,
} from '../src/index.js';
import { vocabDir } from './corpora.js';

const tokenizer = await Tokenizer.fromPretrained(vocabDir('bert-base-cased'));

describe('align option names', () => {
  it("encode: Python's spelling, a typo, and Python arguments with no counterpart", () => {
    expect(() => tokenizer.encode(['John', 'lives'], { is_split_into_words: true } as object)).toThrow(
      AlignInputError,
    );
    expect(() => tokenizer.encode(['John', 'lives'], { is_split_into_words: true } as object)).toThrow(
      "encode: is_split_into_words: unknown option; that is Python's spelling, here it is isSplitIntoWords",
    );
    expect(() => tokenizer.encode('John', { truncaton: true } as object)).toThrow(
      'encode: truncaton: unknown option; did you mean truncation?',
    );
    expect(() => tokenizer.encode('John', { return_tensors: 'pt' } as object)).toThrow(
      /^encode: return_tensors: not supported here: encodings are plain arrays/,
    );
    expect(() => tokenizer.encodeBatch(['John'], { maxLenght: 8 } as object)).toThrow(
      /did you mean maxLength\?$/,
    );
    const taken = tokenizer.encode('John', { return_offsets_mapping: true, return_tensors: null } as object);
    expect(taken.tokens()).toEqual(['[CLS]', 'John', '[SEP]']);
  });

  it('decode, the aligners and fromPretrained', async () => {
    expect(() => tokenizer.decode([101, 1287, 102], { skip_special_tokens: true } as object)).toThrow(
      /here it is skipSpecialTokens$/,
    );
    expect(() => alignLabelsWithTokens([1], [null, 0, null], { ignore_index: -1 } as object)).toThrow(
      /^alignLabelsWithTokens: ignore_index: .*here it is ignoreIndex$/,
    );
    expect(() => tokenizeAndAlignLabels(tokenizer, { label_all_tokens: true } as object)).toThrow(
      AlignInputError,
    );
    await expect(
      Tokenizer.fromPretrained(vocabDir('bert-base-cased'), { model_max_length: 64 } as object),
    ).rejects.toThrow(TokenizerLoadError);
  });
});
