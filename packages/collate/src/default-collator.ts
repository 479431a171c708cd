import { type FeatureRow, describeValue, requireKey, tensorizeColumn } from './columns.js';
import { CollateError } from './errors.js';
import type { HostTensor } from './host-tensor.js';
import { type BatchAs, type ReturnTensors, finishBatch, resolveReturnTensors } from './return-tensors.js';
import { checkOptionNames } from './option-names.js';

/** A batch of unpadded columns. */
export type HostBatch = { [key: string]: HostTensor | undefined };

/**
 * transformers' `default_data_collator`: no padding. `label` (or else `label_ids`) becomes `labels`;
 * every other column of row 0 that is not null/undefined and not a string becomes a tensor (numbers give
 * 1-D, equal-length lists 2-D; int32 when all values are integers, else float32). Ragged lists are an
 * error naming the row and column. Python picks int64 vs float from the first label only; here all
 * values decide.
 */
export function defaultDataCollator(rows: readonly FeatureRow[]): HostBatch {
  if (rows.length === 0) throw new CollateError('cannot collate an empty list of rows');
  const first = rows[0];
  if (typeof first !== 'object' || first === null || Array.isArray(first)) {
    throw new CollateError(`row 0: expected an object of columns, got ${describeValue(first)}`, { row: 0 });
  }
  const column = (key: string): unknown[] =>
    rows.map((row, i) => requireKey(row, key, i, `(row 0 has '${key}')`));
  const batch: HostBatch = {};
  if (first.label !== undefined && first.label !== null)
    batch.labels = tensorizeColumn(column('label'), 'label');
  else if (first.label_ids !== undefined && first.label_ids !== null) {
    batch.labels = tensorizeColumn(column('label_ids'), 'label_ids');
  }
  for (const [key, value] of Object.entries(first)) {
    if (key === 'label' || key === 'label_ids') continue;
    if (value === undefined || value === null || typeof value === 'string') continue;
    batch[key] = tensorizeColumn(column(key), key);
  }
  return batch;
}

/** Class form of {@link defaultDataCollator} (transformers' `DefaultDataCollator`), with `returnTensors`. */
export class DefaultDataCollator<R extends ReturnTensors = 'typed'> {
  readonly returnTensors: R;

  constructor(options: { returnTensors?: R } = {}) {
    checkOptionNames(options, 'DefaultDataCollator');
    this.returnTensors = resolveReturnTensors(options.returnTensors) as R;
  }

  /** Collates a list of rows into one batch. */
  collate(rows: readonly FeatureRow[]): BatchAs<HostBatch, R> {
    return finishBatch(defaultDataCollator(rows), this.returnTensors);
  }

  /** `collate` bound to this collator, to pass as a function. */
  readonly collateFn = (rows: readonly FeatureRow[]): BatchAs<HostBatch, R> => this.collate(rows);
}
