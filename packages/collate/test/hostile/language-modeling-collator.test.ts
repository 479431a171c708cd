import { describe, expect, it } from 'vitest';
import { CollateConfigError, CollateError } from '../../src/errors.js';
import { DataCollatorForLanguageModeling } from '../../src/language-modeling-collator.js';

const VOCAB = 28996;

function collator(options: Record<string, unknown> = {}) {
  return new DataCollatorForLanguageModeling({
    padTokenId: 0,
    maskTokenId: 103,
    vocabSize: VOCAB,
    specialTokenIds: [0, 100, 101, 102, 103],
    ...options,
  });
}

describe('DataCollatorForLanguageModeling on hostile input', () => {
  it('rejects options it cannot honour, naming the option', () => {
    expect(() => new DataCollatorForLanguageModeling({ padTokenId: 0 })).toThrow(CollateConfigError);
    expect(() => new DataCollatorForLanguageModeling({ padTokenId: 0, vocabSize: 10 })).toThrow(
      /maskTokenId/,
    );
    expect(() => collator({ mlmProbability: 1.5 })).toThrow(/mlmProbability/);
    expect(() => collator({ mlmProbability: Number.NaN })).toThrow(/mlmProbability/);
    expect(() => collator({ maskReplaceProb: 0.8, randomReplaceProb: 0.3 })).toThrow(/at most 1/);
    expect(() => collator({ maskTokenId: VOCAB })).toThrow(/maskTokenId/);
    expect(() => collator({ vocabSize: 0 })).toThrow(/vocabSize/);
    expect(() => collator({ specialTokenIds: [-1] })).toThrow(/specialTokenIds/);
  });

  it('names the row and column of a malformed row', () => {
    expect(() => collator().collate([{ input_ids: [101, 102] }, { input_ids: 'text' }])).toThrow(
      CollateError,
    );
    expect(() => collator().collate([{ inputIds: [101, 102] }])).toThrow(/input_ids/);
    expect(() => collator().collate([{ input_ids: [101, 2000, 102], special_tokens_mask: [1, 0] }])).toThrow(
      /special_tokens_mask/,
    );
    expect(() => collator().collate([])).toThrow(/empty/);
  });
});
