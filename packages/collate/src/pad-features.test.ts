import { describe, expect, it } from 'vitest';
import { CollateConfigError, CollateError } from './errors.js';
import { padFeatures, paddedLength, resolvePadOptions } from './pad-features.js';

const rows = [
  { input_ids: [101, 7, 8, 9, 102], token_type_ids: [0, 0, 0, 0, 0] },
  { input_ids: [101, 5, 102], token_type_ids: [0, 0, 0] },
];

describe('padFeatures (tokenizer.pad)', () => {
  it('pads to the longest row on the right: pad id, token type 0, attention mask 0 (created as 1s)', () => {
    const batch = padFeatures(rows, { padTokenId: 0 });
    expect(batch.input_ids.shape).toEqual([2, 5]);
    expect(batch.input_ids.toArray()).toEqual([
      [101, 7, 8, 9, 102],
      [101, 5, 102, 0, 0],
    ]);
    expect(batch.token_type_ids?.toArray()).toEqual([
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    expect(batch.attention_mask?.toArray()).toEqual([
      [1, 1, 1, 1, 1],
      [1, 1, 1, 0, 0],
    ]);
    expect(batch.input_ids.data).toBeInstanceOf(Int32Array);
  });

  it('pads on the left when asked (or when the tokenizer says so)', () => {
    const batch = padFeatures(rows, { tokenizer: { padTokenId: 0, paddingSide: 'left' } });
    expect(batch.input_ids.toArray()).toEqual([
      [101, 7, 8, 9, 102],
      [0, 0, 101, 5, 102],
    ]);
    expect(batch.attention_mask?.toArray()).toEqual([
      [1, 1, 1, 1, 1],
      [0, 0, 1, 1, 1],
    ]);
  });

  it('uses the pad token type id and pads special_tokens_mask with 1', () => {
    const batch = padFeatures(
      [
        { input_ids: [1, 2], token_type_ids: [1, 1], special_tokens_mask: [1, 0] },
        { input_ids: [3], token_type_ids: [1], special_tokens_mask: [1] },
      ],
      { padTokenId: 9, padTokenTypeId: 7 },
    );
    expect(batch.input_ids.toArray()).toEqual([
      [1, 2],
      [3, 9],
    ]);
    expect(batch.token_type_ids?.toArray()).toEqual([
      [1, 1],
      [1, 7],
    ]);
    expect(batch.special_tokens_mask?.toArray()).toEqual([
      [1, 0],
      [1, 1],
    ]);
  });

  it('keeps a given attention_mask and pads it with 0', () => {
    const batch = padFeatures(
      [
        { input_ids: [1, 2, 3], attention_mask: [1, 1, 0] },
        { input_ids: [4], attention_mask: [1] },
      ],
      { padTokenId: 0 },
    );
    expect(batch.attention_mask?.toArray()).toEqual([
      [1, 1, 0],
      [1, 0, 0],
    ]);
  });

  it("does not create an attention mask when the tokenizer's model inputs lack it", () => {
    const batch = padFeatures(rows, { tokenizer: { padTokenId: 0, modelInputNames: ['input_ids'] } });
    expect(batch.attention_mask).toBeUndefined();
  });

  it("padding 'max_length' pads every row to maxLength", () => {
    const batch = padFeatures(rows, { padTokenId: 0, padding: 'max_length', maxLength: 7 });
    expect(batch.input_ids.toArray()).toEqual([
      [101, 7, 8, 9, 102, 0, 0],
      [101, 5, 102, 0, 0, 0, 0],
    ]);
  });

  it("padding 'max_length' falls back to the tokenizer's modelMaxLength", () => {
    const batch = padFeatures(rows, {
      tokenizer: { padTokenId: 0, modelMaxLength: 6 },
      padding: 'max_length',
    });
    expect(batch.input_ids.shape).toEqual([2, 6]);
  });

  it('padToMultipleOf rounds the longest length up (5 -> 8) and maxLength up (10 -> 16)', () => {
    expect(padFeatures(rows, { padTokenId: 0, padToMultipleOf: 8 }).input_ids.shape).toEqual([2, 8]);
    const maxPadded = padFeatures(rows, {
      padTokenId: 0,
      padding: 'max_length',
      maxLength: 10,
      padToMultipleOf: 8,
    });
    expect(maxPadded.input_ids.shape).toEqual([2, 16]);
    // Already a multiple: unchanged.
    expect(padFeatures(rows, { padTokenId: 0, padToMultipleOf: 5 }).input_ids.shape).toEqual([2, 5]);
  });

  it("padding 'longest' ignores maxLength, as in Python", () => {
    expect(padFeatures(rows, { padTokenId: 0, maxLength: 3 }).input_ids.shape).toEqual([2, 5]);
  });

  it('padding false leaves equal-length rows alone (mask still created) and ignores padToMultipleOf', () => {
    const batch = padFeatures([{ input_ids: [1, 2, 3] }, { input_ids: [4, 5, 6] }], {
      padding: false,
      padToMultipleOf: 8,
    });
    expect(batch.input_ids.shape).toEqual([2, 3]);
    expect(batch.attention_mask?.toArray()).toEqual([
      [1, 1, 1],
      [1, 1, 1],
    ]);
  });

  it('accepts typed arrays as sequences', () => {
    const batch = padFeatures([{ input_ids: Int32Array.of(5, 6) }, { input_ids: new Uint16Array([7]) }], {
      padTokenId: 0,
    });
    expect(batch.input_ids.toArray()).toEqual([
      [5, 6],
      [7, 0],
    ]);
  });

  it('turns extra numeric columns into unpadded tensors, or drops them', () => {
    const extra = [
      { input_ids: [1, 2], idx: 4, score: 0.5 },
      { input_ids: [3], idx: 9, score: 1 },
    ];
    const kept = padFeatures(extra, { padTokenId: 0 });
    expect(kept.idx?.dtype).toBe('int32');
    expect(kept.idx?.toArray()).toEqual([4, 9]);
    expect(kept.score?.dtype).toBe('float32');
    expect(kept.score?.toArray()).toEqual([0.5, 1]);
    const dropped = padFeatures(extra, { padTokenId: 0, extraKeys: 'drop' });
    expect(Object.keys(dropped).sort()).toEqual(['attention_mask', 'input_ids']);
  });
});

describe('padFeatures errors name the row and key', () => {
  it('rows of different lengths with padding off', () => {
    expect(() => padFeatures(rows, { padding: false })).toThrow(
      /row 1 has 3 input_ids but row 0 has 5, and padding is off/,
    );
  });

  it("a row longer than maxLength with padding 'max_length'", () => {
    try {
      padFeatures(rows, { padTokenId: 0, padding: 'max_length', maxLength: 4 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CollateError);
      expect((error as CollateError).row).toBe(0);
      expect((error as CollateError).message).toMatch(/row 0 has 5 input_ids, more than the padded length 4/);
    }
  });

  it('rows all longer than maxLength but equal stay as they are (Python leaves them unpadded)', () => {
    const batch = padFeatures([{ input_ids: [1, 2, 3] }, { input_ids: [4, 5, 6] }], {
      padTokenId: 0,
      padding: 'max_length',
      maxLength: 2,
    });
    expect(batch.input_ids.shape).toEqual([2, 3]);
  });

  it('a key of row 0 missing from a later row', () => {
    try {
      padFeatures([{ input_ids: [1], token_type_ids: [0] }, { input_ids: [2] }], { padTokenId: 0 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CollateError);
      expect((error as CollateError).row).toBe(1);
      expect((error as CollateError).key).toBe('token_type_ids');
      expect((error as CollateError).message).toBe(
        "row 1 has no 'token_type_ids' (row 0 has 'token_type_ids')",
      );
    }
  });

  it('no input_ids at all, with a hint for camelCase rows', () => {
    expect(() => padFeatures([{ inputIds: [1] }], { padTokenId: 0 })).toThrow(
      /row 0 has no 'input_ids' \(found 'inputIds': rows use Hugging Face column names\)/,
    );
  });

  it('non-integer ids and non-list values', () => {
    expect(() => padFeatures([{ input_ids: [1, 2.5] }], { padTokenId: 0 })).toThrow(
      "row 0, 'input_ids'[1]: expected an int32 integer, got number 2.5",
    );
    expect(() => padFeatures([{ input_ids: [1] }, { input_ids: 'abc' }], { padTokenId: 0 })).toThrow(
      `row 1, 'input_ids': expected a list of integers, got the string "abc"`,
    );
  });

  it('a mask whose length differs from input_ids', () => {
    expect(() => padFeatures([{ input_ids: [1, 2], attention_mask: [1] }], { padTokenId: 0 })).toThrow(
      "row 0: 'attention_mask' has 1 values but 'input_ids' has 2",
    );
  });

  it('text and ragged extra columns', () => {
    expect(() => padFeatures([{ input_ids: [1], tokens: ['EU'] }], { padTokenId: 0 })).toThrow(
      /row 0, 'tokens': expected a number, got the string "EU" \(text columns cannot become tensors/,
    );
    expect(() =>
      padFeatures(
        [
          { input_ids: [1], ner_tags: [1, 2] },
          { input_ids: [1], ner_tags: [1] },
        ],
        { padTokenId: 0 },
      ),
    ).toThrow(/row 1, 'ner_tags': has 1 values but row 0 has 2; 'ner_tags' is not padded/);
  });

  it('an empty batch', () => {
    expect(() => padFeatures([], { padTokenId: 0 })).toThrow('cannot collate an empty list of rows');
  });
});

describe('resolvePadOptions', () => {
  it('needs a pad id unless padding is off', () => {
    expect(() => resolvePadOptions({})).toThrow(CollateConfigError);
    expect(() => resolvePadOptions({ tokenizer: { padTokenId: null } })).toThrow(/no pad token id/);
    expect(() => resolvePadOptions({ padTokenId: -1 })).toThrow(
      /padTokenId: expected an integer >= 0, got -1/,
    );
    expect(resolvePadOptions({ padding: false }).strategy).toBe('do_not_pad');
  });

  it("rejects 'max_length' without a length and bad numbers", () => {
    expect(() => resolvePadOptions({ padTokenId: 0, padding: 'max_length' })).toThrow(/needs maxLength/);
    expect(() =>
      resolvePadOptions({ tokenizer: { padTokenId: 0, modelMaxLength: 1e30 }, padding: 'max_length' }),
    ).toThrow(/needs maxLength/);
    expect(() => resolvePadOptions({ padTokenId: 0, padToMultipleOf: 0 })).toThrow(/padToMultipleOf/);
    expect(() => resolvePadOptions({ padTokenId: 0, maxLength: 2.5 })).toThrow(/maxLength/);
    expect(() => resolvePadOptions({ padTokenId: 0, padding: 'long' as never })).toThrow(/padding/);
  });

  it('explicit options win over the tokenizer', () => {
    const resolved = resolvePadOptions({
      tokenizer: { padTokenId: 3, paddingSide: 'left' },
      padTokenId: 0,
      paddingSide: 'right',
    });
    expect(resolved.padTokenId).toBe(0);
    expect(resolved.paddingSide).toBe('right');
  });

  it('paddedLength follows the strategy', () => {
    const longest = resolvePadOptions({ padTokenId: 0, padToMultipleOf: 4 });
    expect(paddedLength([3, 9, 2], longest)).toBe(12);
  });
});
