import { type FeatureRow, readIntSequence, requireKey } from './columns.js';
import { CollateError, assertInteger } from './errors.js';
import { HostTensor } from './host-tensor.js';
import { type CollatedBatch, padFeaturesDetailed, padSequences } from './pad-features.js';
import { PaddedCollator, type PaddedCollatorOptions } from './padded-collator.js';
import { type BatchAs, type ReturnTensors, finishBatch } from './return-tensors.js';
import { checkOptionNames } from './option-names.js';

/** Options of {@link DataCollatorForTokenClassification}. */
export interface TokenClassificationCollatorOptions<R extends ReturnTensors = 'typed'>
  extends PaddedCollatorOptions<R> {
  /** Written into padded label positions; -100 (the default) is ignored by the cross-entropy loss. */
  labelPadTokenId?: number;
}

/**
 * transformers' `DataCollatorForTokenClassification`: pads `input_ids` / `attention_mask` /
 * `token_type_ids` like `tokenizer.pad`, then pads each row's labels with `labelPadTokenId` (-100) to the
 * padded length on the same side. The label column is `label` if row 0 has one, else `labels`, and keeps
 * its name in the batch, as in Python.
 *
 * Stricter than Python: a row whose labels are not exactly as long as its `input_ids` is an error (Python
 * pads shorter labels silently, misaligning them).
 *
 * @example
 * const collator = new DataCollatorForTokenClassification({ padTokenId: 0 });
 * const batch = collator.collate(rows); // batch.labels.toArray() → [[-100, 3, 0, …], …]
 */
export class DataCollatorForTokenClassification<R extends ReturnTensors = 'typed'> extends PaddedCollator<R> {
  readonly labelPadTokenId: number;

  constructor(options: TokenClassificationCollatorOptions<R> = {}) {
    checkOptionNames(options, 'DataCollatorForTokenClassification');
    super(options);
    this.labelPadTokenId = options.labelPadTokenId ?? -100;
    assertInteger('labelPadTokenId', this.labelPadTokenId, -(2 ** 31));
  }

  /** Collates a list of rows into one batch (Python: `collator(features)`). */
  collate(rows: readonly FeatureRow[]): BatchAs<CollatedBatch, R> {
    const first = rows[0];
    const labelName =
      first !== undefined && typeof first === 'object' && first !== null && 'label' in first
        ? 'label'
        : 'labels';
    const hasLabels =
      first !== undefined && typeof first === 'object' && first !== null && labelName in first;
    const { batch, lengths, width } = padFeaturesDetailed(
      rows,
      this.padding,
      hasLabels ? new Set([labelName]) : undefined,
    );
    if (hasLabels) {
      const labels = rows.map((row, i) => {
        const sequence = readIntSequence(
          requireKey(row, labelName, i, `(row 0 has '${labelName}')`),
          i,
          labelName,
        );
        if (sequence.length !== lengths[i]) {
          throw new CollateError(
            `row ${i}: '${labelName}' has ${sequence.length} values but 'input_ids' has ${lengths[i]}; ` +
              'labels must be aligned to tokens (one per token, -100 for special tokens)',
            { row: i, key: labelName },
          );
        }
        return sequence;
      });
      const data = padSequences(labels, width, this.labelPadTokenId, this.padding.paddingSide);
      batch[labelName] = new HostTensor(data, [rows.length, width], 'int32');
    }
    return finishBatch(batch, this.returnTensors);
  }
}
