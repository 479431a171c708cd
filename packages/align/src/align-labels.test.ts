import { describe, expect, it } from 'vitest';
import { alignLabelsWithTokens } from './align-labels.js';
import { AlignInputError } from './errors.js';

const CONLL_LABELS = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC', 'I-MISC'];
// "EU rejects German call to boycott British lamb ." with bert-base-cased: lamb → la ##mb.
const WORD_IDS = [null, 0, 1, 2, 3, 4, 5, 6, 7, 7, 8, null];
const WORD_LABELS = [3, 0, 7, 0, 0, 0, 7, 0, 0];

describe('alignLabelsWithTokens', () => {
  it("reproduces the course output with strategy 'all'", () => {
    expect(
      alignLabelsWithTokens(WORD_LABELS, WORD_IDS, { strategy: 'all', labelNames: CONLL_LABELS }),
    ).toEqual([-100, 3, 0, 7, 0, 0, 0, 7, 0, 0, 0, -100]);
  });

  it("reproduces the course output with strategy 'first'", () => {
    expect(alignLabelsWithTokens(WORD_LABELS, WORD_IDS, { strategy: 'first' })).toEqual([
      -100, 3, 0, 7, 0, 0, 0, 7, 0, -100, 0, -100,
    ]);
  });

  it('turns B-X into I-X on continuation tokens by name, for any label order', () => {
    const names = ['I-LOC', 'B-LOC', 'O', 'B-PER', 'I-PER'];
    // word 0 = B-LOC split in 3, word 1 = B-PER in 2, word 2 = O in 2
    expect(
      alignLabelsWithTokens([1, 3, 2], [null, 0, 0, 0, 1, 1, 2, 2, null], { labelNames: names }),
    ).toEqual([-100, 1, 0, 0, 3, 4, 2, 2, -100]);
  });

  it('keeps a B- label without a matching I- label', () => {
    expect(alignLabelsWithTokens([0], [0, 0], { labelNames: ['B-X', 'O'] })).toEqual([0, 0]);
  });

  it('fails with the token index when a word id has no label', () => {
    expect(() => alignLabelsWithTokens([0], [0, 1])).toThrow(AlignInputError);
    expect(() => alignLabelsWithTokens([0], [0, 1])).toThrow(/token 1 has word id 1/);
  });
});
