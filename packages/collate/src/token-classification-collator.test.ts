import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { CollateError } from './errors.js';
import { DataCollatorForTokenClassification } from './token-classification-collator.js';

// The first two CoNLL-2003 training sentences tokenized with bert-base-cased (ids from its vocab.txt) and
// labels aligned as in the Hugging Face course, chapter 7:
// "EU rejects German call to boycott British lamb ." -> [CLS] EU rejects German call to boycott British la ##mb . [SEP]
// "Peter Blackburn" -> [CLS] Peter Blackburn [SEP]
const tutorialRows = [
  {
    input_ids: [101, 7270, 22961, 1528, 1840, 1106, 21423, 1418, 2495, 12913, 119, 102],
    token_type_ids: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    attention_mask: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    labels: [-100, 3, 0, 7, 0, 0, 0, 7, 0, 0, 0, -100],
  },
  {
    input_ids: [101, 1943, 14428, 102],
    token_type_ids: [0, 0, 0, 0],
    attention_mask: [1, 1, 1, 1],
    labels: [-100, 1, 2, -100],
  },
];

function dropUndefined(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined));
}

describe('DataCollatorForTokenClassification', () => {
  it('reproduces the course batch: labels padded with -100 to the longest row', () => {
    const collator = new DataCollatorForTokenClassification({ tokenizer: { padTokenId: 0 } });
    const batch = collator.collate(tutorialRows);
    expect(batch.labels?.toArray()).toEqual([
      [-100, 3, 0, 7, 0, 0, 0, 7, 0, 0, 0, -100],
      [-100, 1, 2, -100, -100, -100, -100, -100, -100, -100, -100, -100],
    ]);
    expect(batch.input_ids.toArray()).toEqual([
      [101, 7270, 22961, 1528, 1840, 1106, 21423, 1418, 2495, 12913, 119, 102],
      [101, 1943, 14428, 102, 0, 0, 0, 0, 0, 0, 0, 0],
    ]);
    expect(batch.attention_mask?.toArray()[1]).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(batch.token_type_ids?.shape).toEqual([2, 12]);
    expect(batch.labels?.data).toBeInstanceOf(Int32Array);
    expect(Object.keys(batch)).toEqual(['input_ids', 'token_type_ids', 'attention_mask', 'labels']);
  });

  it('pads labels on the left with left padding, and to padToMultipleOf', () => {
    const collator = new DataCollatorForTokenClassification({
      padTokenId: 0,
      paddingSide: 'left',
      padToMultipleOf: 8,
    });
    const batch = collator.collate([
      { input_ids: [101, 5, 102], labels: [-100, 4, -100] },
      { input_ids: [101, 102], labels: [-100, -100] },
    ]);
    expect(batch.labels?.toArray()).toEqual([
      [-100, -100, -100, -100, -100, -100, 4, -100],
      [-100, -100, -100, -100, -100, -100, -100, -100],
    ]);
    expect(batch.input_ids.toArray()[0]).toEqual([0, 0, 0, 0, 0, 101, 5, 102]);
  });

  it("keeps a 'label' column under its own name and honours labelPadTokenId", () => {
    const collator = new DataCollatorForTokenClassification({ padTokenId: 0, labelPadTokenId: -1 });
    const batch = collator.collate([
      { input_ids: [1, 2], label: [0, 1] },
      { input_ids: [3], label: [2] },
    ]);
    expect(batch.labels).toBeUndefined();
    expect(batch.label?.toArray()).toEqual([
      [0, 1],
      [2, -1],
    ]);
  });

  it('collates rows without labels (inference)', () => {
    const collator = new DataCollatorForTokenClassification({ padTokenId: 0 });
    const batch = collator.collate([{ input_ids: [1, 2] }, { input_ids: [3] }]);
    expect(batch.labels).toBeUndefined();
    expect(batch.input_ids.toArray()).toEqual([
      [1, 2],
      [3, 0],
    ]);
  });

  it('fails on labels that are not one per token, naming the row', () => {
    const collator = new DataCollatorForTokenClassification({ padTokenId: 0 });
    try {
      collator.collate([tutorialRows[0]!, { ...tutorialRows[1]!, labels: [1, 2] }]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CollateError);
      expect((error as CollateError).row).toBe(1);
      expect((error as CollateError).key).toBe('labels');
      expect((error as CollateError).message).toMatch(/^row 1: 'labels' has 2 values but 'input_ids' has 4/);
    }
    expect(() =>
      collator.collate([tutorialRows[0]!, { ...tutorialRows[1]!, labels: undefined }].map(dropUndefined)),
    ).toThrow("row 1 has no 'labels' (row 0 has 'labels')");
    expect(() => collator.collate([{ input_ids: [1], labels: ['O'] }])).toThrow(
      /row 0, 'labels'\[0\]: expected an int32 integer, got the string "O"/,
    );
  });

  it('returns tfjs int32 tensors when asked', () => {
    const collator = new DataCollatorForTokenClassification({ padTokenId: 0, returnTensors: 'tfjs' });
    const batch = collator.collate(tutorialRows);
    expect(batch.input_ids.shape).toEqual([2, 12]);
    expect(batch.input_ids.dtype).toBe('int32');
    expect(batch.labels!.arraySync()).toEqual([
      [-100, 3, 0, 7, 0, 0, 0, 7, 0, 0, 0, -100],
      [-100, 1, 2, -100, -100, -100, -100, -100, -100, -100, -100, -100],
    ]);
    tf.dispose(Object.values(batch));
  });

  it('collateFn is bound', () => {
    const { collateFn } = new DataCollatorForTokenClassification({ padTokenId: 0 });
    expect(collateFn([{ input_ids: [1] }]).input_ids.toArray()).toEqual([[1]]);
  });
});
