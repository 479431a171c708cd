import { describe, expect, it } from 'vitest';
import { DataCollatorWithPadding } from './padding-collator.js';

function sentencePairRow(length: number, label: number) {
  return {
    input_ids: Array.from({ length }, (_, i) => 1000 + i),
    token_type_ids: Array.from({ length }, (_, i) => (i < length / 2 ? 0 : 1)),
    attention_mask: Array.from({ length }, () => 1),
    label,
  };
}

describe('DataCollatorWithPadding', () => {
  it('reproduces the course (chapter 3) shapes: 8 MRPC rows of lengths 50..67 pad to [8, 67], labels [8]', () => {
    const lengths = [50, 59, 47, 67, 59, 50, 62, 32];
    const rows = lengths.map((length, i) => sentencePairRow(length, i % 2));
    const collator = new DataCollatorWithPadding({ padTokenId: 0 });
    const batch = collator.collate(rows);
    expect(batch.input_ids.shape).toEqual([8, 67]);
    expect(batch.attention_mask?.shape).toEqual([8, 67]);
    expect(batch.token_type_ids?.shape).toEqual([8, 67]);
    expect(batch.labels?.shape).toEqual([8]);
    expect(batch.labels?.dtype).toBe('int32');
    expect(batch.labels?.toArray()).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    expect(batch.label).toBeUndefined();
    // Row 7 (32 tokens) has 35 padding positions: mask 0, token type 0, pad id 0.
    expect(batch.attention_mask?.row(7).reduce((a, b) => a + b, 0)).toBe(32);
    expect(batch.token_type_ids?.get(7, 66)).toBe(0);
    expect(batch.input_ids.get(7, 32)).toBe(0);
  });

  it('renames label_ids to labels and keeps float targets as float32', () => {
    const collator = new DataCollatorWithPadding({ padTokenId: 0 });
    const batch = collator.collate([
      { input_ids: [1, 2], label_ids: 0.25 },
      { input_ids: [3], label_ids: 4 },
    ]);
    expect(batch.label_ids).toBeUndefined();
    expect(batch.labels?.dtype).toBe('float32');
    expect(batch.labels?.toArray()).toEqual([0.25, 4]);
  });

  it("passes 'labels' through and makes multi-label targets 2-D", () => {
    const collator = new DataCollatorWithPadding({ padTokenId: 0 });
    const batch = collator.collate([
      { input_ids: [1], labels: [0, 1, 1] },
      { input_ids: [2, 3], labels: [1, 0, 0] },
    ]);
    expect(batch.labels?.shape).toEqual([2, 3]);
    expect(batch.labels?.toArray()).toEqual([
      [0, 1, 1],
      [1, 0, 0],
    ]);
  });

  it('fails on a missing label with the row index', () => {
    const collator = new DataCollatorWithPadding({ padTokenId: 0 });
    expect(() => collator.collate([{ input_ids: [1], label: 1 }, { input_ids: [2] }])).toThrow(
      "row 1 has no 'label' (row 0 has 'label')",
    );
  });
});
