import { describe, expect, it } from 'vitest';
import { VERY_LARGE_INTEGER } from './model-max-length.js';
import { paddingLength, padEncoding } from './padding.js';
import { bertPostProcess } from './post-processor.js';

const tokens = ['[PAD]', '[CLS]', '[SEP]', 'EU', 're', '##jects', 'lamb'];
const template = {
  clsTokenId: 1,
  sepTokenId: 2,
  idsToTokens: (ids: readonly number[]) => ids.map((id) => tokens[id]!),
};
const first = {
  ids: [3, 4, 5],
  offsets: [[0, 2] as const, [3, 5] as const, [5, 10] as const],
  wordIds: [0, 1, 1],
};
const second = { ids: [6], offsets: [[0, 4] as const], wordIds: [0] };

describe('bertPostProcess', () => {
  it('wraps a pair as [CLS] A [SEP] B [SEP], B with token type and sequence id 1', () => {
    const e = bertPostProcess(template, first, second, true);
    expect(e.tokens()).toEqual(['[CLS]', 'EU', 're', '##jects', '[SEP]', 'lamb', '[SEP]']);
    expect(e.tokenTypeIds).toEqual([0, 0, 0, 0, 0, 1, 1]);
    expect(e.specialTokensMask).toEqual([1, 0, 0, 0, 1, 0, 1]);
    expect(e.wordIds()).toEqual([null, 0, 1, 1, null, 0, null]);
    expect(e.sequenceIds()).toEqual([null, 0, 0, 0, null, 1, null]);
    expect(e.offsets).toEqual([
      [0, 0],
      [0, 2],
      [3, 5],
      [5, 10],
      [0, 0],
      [0, 4],
      [0, 0],
    ]);
    expect(e.attentionMask).toEqual([1, 1, 1, 1, 1, 1, 1]);
  });

  it('adds nothing without special tokens', () => {
    const e = bertPostProcess(template, first, undefined, false);
    expect(e.inputIds).toEqual([3, 4, 5]);
    expect(e.specialTokensMask).toEqual([0, 0, 0]);
  });
});

describe('padding', () => {
  const rows = [
    bertPostProcess(template, first, undefined, true),
    bertPostProcess(template, second, undefined, true),
  ];

  it('picks the longest row, maxLength, or nothing (as Python padding=)', () => {
    expect(paddingLength(true, 8, rows)).toBe(5);
    expect(paddingLength('longest', 8, rows)).toBe(5);
    expect(paddingLength('max_length', 8, rows)).toBe(8);
    // No known limit: Python defaults to no padding.
    expect(paddingLength('max_length', VERY_LARGE_INTEGER, rows)).toBeUndefined();
    expect(paddingLength(false, 8, rows)).toBeUndefined();
    expect(paddingLength('do_not_pad', 8, rows)).toBeUndefined();
    expect(paddingLength(undefined, 8, rows)).toBeUndefined();
  });

  it('fills on the right with the pad token, mask 0 and no word', () => {
    const padded = padEncoding(rows[1]!, 5, { padTokenId: 0, padToken: '[PAD]' });
    expect(padded.inputIds).toEqual([1, 6, 2, 0, 0]);
    expect(padded.tokens()).toEqual(['[CLS]', 'lamb', '[SEP]', '[PAD]', '[PAD]']);
    expect(padded.attentionMask).toEqual([1, 1, 1, 0, 0]);
    expect(padded.specialTokensMask).toEqual([1, 0, 1, 1, 1]);
    expect(padded.wordIds()).toEqual([null, 0, null, null, null]);
    expect(padded.offsets.slice(3)).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(padEncoding(rows[0]!, 4, { padTokenId: 0, padToken: '[PAD]' })).toBe(rows[0]);
  });
});
