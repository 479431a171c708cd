/** What the padding collators share: resolved padding options, the output form and `collateFn`. */
import type { FeatureRow } from './columns.js';
import {
  type CollatedBatch,
  type PadOptions,
  type ResolvedPadOptions,
  resolvePadOptions,
} from './pad-features.js';
import { type BatchAs, type ReturnTensors, resolveReturnTensors } from './return-tensors.js';

/** Options every padding collator takes: how to pad, and the output form. */
export interface PaddedCollatorOptions<R extends ReturnTensors = 'typed'> extends PadOptions {
  /** `'typed'` (default) or `'tfjs'`. */
  returnTensors?: R;
}

/**
 * The base of `DataCollatorWithPadding`, `DataCollatorForTokenClassification` and
 * `DataCollatorForLanguageModeling`: each pads the token columns like `tokenizer.pad` and then
 * adds its own labels in `collate`.
 */
export abstract class PaddedCollator<R extends ReturnTensors = 'typed'> {
  readonly padding: ResolvedPadOptions;
  readonly returnTensors: R;

  constructor(options: PaddedCollatorOptions<R>) {
    this.padding = resolvePadOptions(options);
    this.returnTensors = resolveReturnTensors(options.returnTensors) as R;
  }

  /** Collates a list of rows into one batch (Python: `collator(features)`). */
  abstract collate(rows: readonly FeatureRow[]): BatchAs<CollatedBatch, R>;

  /** `collate` bound to this collator, to pass as a function (e.g. a loader's `collateFn`). */
  readonly collateFn = (rows: readonly FeatureRow[]): BatchAs<CollatedBatch, R> => this.collate(rows);
}
