import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ModelBatch } from './model-batch.js';
import { DataCollatorWithPadding } from './padding-collator.js';
import { DataCollatorForTokenClassification } from './token-classification-collator.js';

const rows = [
  { input_ids: [101, 7, 102], attention_mask: [1, 1, 1], labels: [-100, 3, -100] },
  { input_ids: [101, 102], attention_mask: [1, 1], labels: [-100, -100] },
];

describe('ModelBatch', () => {
  it('is what the token-classification collator returns, keys unchanged (typed arrays)', () => {
    const batch: ModelBatch = new DataCollatorForTokenClassification({ padTokenId: 0 }).collate(rows);
    expect(Object.keys(batch).sort()).toEqual(['attention_mask', 'input_ids', 'labels']);
    expect(batch.input_ids).toMatchObject({ shape: [2, 3], dtype: 'int32' });
  });

  it('is what a collator returns with returnTensors tfjs', () => {
    const collator = new DataCollatorWithPadding({ padTokenId: 0, returnTensors: 'tfjs' });
    const batch: ModelBatch = collator.collate(rows.map(({ labels: _, ...row }) => ({ ...row, label: 1 })));
    expect(batch.input_ids).toBeInstanceOf(tf.Tensor);
    expect((batch.labels as tf.Tensor).arraySync()).toEqual([1, 1]);
    tf.dispose(Object.values(batch) as tf.Tensor[]);
  });
});
