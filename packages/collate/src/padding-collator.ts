import type { FeatureRow } from './columns.js';
import { type CollatedBatch, padFeaturesDetailed } from './pad-features.js';
import { PaddedCollator, type PaddedCollatorOptions } from './padded-collator.js';
import { type BatchAs, type ReturnTensors, finishBatch } from './return-tensors.js';
import { checkOptionNames } from './option-names.js';

/** Options of {@link DataCollatorWithPadding}. */
export type PaddingCollatorOptions<R extends ReturnTensors = 'typed'> = PaddedCollatorOptions<R>;

/**
 * transformers' `DataCollatorWithPadding` (sequence classification): pads the token columns like
 * `tokenizer.pad`, turns the other columns into unpadded tensors (a per-row `label` becomes a 1-D
 * tensor: int32 for class ids, float32 for regression targets), then renames `label` and `label_ids` to
 * `labels`, as Python does.
 */
export class DataCollatorWithPadding<R extends ReturnTensors = 'typed'> extends PaddedCollator<R> {
  constructor(options: PaddingCollatorOptions<R> = {}) {
    checkOptionNames(options, 'DataCollatorWithPadding');
    super(options);
  }

  /** Collates a list of rows into one batch (Python: `collator(features)`). */
  collate(rows: readonly FeatureRow[]): BatchAs<CollatedBatch, R> {
    const { batch } = padFeaturesDetailed(rows, this.padding);
    for (const legacy of ['label', 'label_ids']) {
      const value = batch[legacy];
      if (value !== undefined) {
        batch.labels = value;
        delete batch[legacy];
      }
    }
    return finishBatch(batch, this.returnTensors);
  }
}
