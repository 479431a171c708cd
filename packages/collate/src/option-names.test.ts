// The collators and the loader refuse option names they do not take, naming them, as Python's
// dataclasses and torch's DataLoader refuse an unexpected keyword argument.
import { describe, expect, it } from 'vitest';
import { DataLoader } from './data-loader.js';
import { DefaultDataCollator } from './default-collator.js';
import { CollateConfigError } from './errors.js';
import { DataCollatorForLanguageModeling } from './language-modeling-collator.js';
import { padFeatures } from './pad-features.js';
import { DataCollatorWithPadding } from './padding-collator.js';
import { DataCollatorForTokenClassification } from './token-classification-collator.js';

/** The CollateConfigError that `make` throws. */
function refusal(make: () => unknown): CollateConfigError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(CollateConfigError);
    return error as CollateConfigError;
  }
  throw new Error('accepted');
}

const rows = [{ input_ids: [1, 2, 3] }, { input_ids: [4] }];

describe('collate option names', () => {
  it("DataLoader: Python's spelling, a typo, and torch options with no counterpart", () => {
    const snake = refusal(() => new DataLoader(rows, { batch_size: 2 } as object));
    expect(snake.option).toBe('batch_size');
    expect(snake.message).toBe(
      "batch_size: DataLoader: unknown option; that is Python's spelling, here it is batchSize",
    );
    expect(refusal(() => new DataLoader(rows, { shufle: true } as object)).message).toBe(
      'shufle: DataLoader: unknown option; did you mean shuffle?',
    );
    expect(refusal(() => new DataLoader(rows, { num_workers: 4 } as object)).message).toMatch(
      /^num_workers: DataLoader: not supported here: rows are collated in the calling thread/,
    );
    const loader = new DataLoader([{ x: 1 }, { x: 2 }], {
      batchSize: 2,
      ...{ num_workers: 0, pin_memory: true },
    });
    expect([...loader]).toHaveLength(1);
  });

  it('each collator takes its own options and no other', () => {
    expect(
      refusal(
        () => new DataCollatorForTokenClassification({ padTokenId: 0, label_pad_token_id: -1 } as object),
      ).message,
    ).toBe(
      "label_pad_token_id: DataCollatorForTokenClassification: unknown option; that is Python's spelling, here it is labelPadTokenId",
    );
    expect(refusal(() => new DataCollatorWithPadding({ labelPadTokenId: -1 } as object)).option).toBe(
      'labelPadTokenId',
    );
    expect(
      refusal(() => new DataCollatorForLanguageModeling({ mlm_probability: 0.2 } as object)).message,
    ).toMatch(/here it is mlmProbability$/);
    expect(refusal(() => new DefaultDataCollator({ return_tensors: 'tfjs' } as object)).message).toMatch(
      /here it is returnTensors$/,
    );
    expect(
      refusal(() => padFeatures(rows, { pad_to_multiple_of: 8, padTokenId: 0 } as object)).message,
    ).toMatch(/^pad_to_multiple_of: padFeatures: .*here it is padToMultipleOf$/);
    expect(
      new DataCollatorForTokenClassification({ padTokenId: 0, labelPadTokenId: -1 }).labelPadTokenId,
    ).toBe(-1);
    expect(padFeatures(rows, { padTokenId: 0, padToMultipleOf: 4 }).input_ids.shape).toEqual([2, 4]);
  });
});
