import type { Tensor } from '@tensorflow/tfjs-core';
import type { HostDType } from './host-tensor.js';

/**
 * One field of a batch as a model takes it: a collator's `HostTensor`, a tfjs tensor, nested
 * number arrays, or a flat typed array with its shape (and dtype, which a HostTensor carries).
 */
export type BatchTensorLike =
  | Tensor
  | number[][]
  | number[]
  | {
      readonly data: Int32Array | Float32Array | number[];
      readonly shape: readonly number[];
      readonly dtype?: HostDType;
    };

/**
 * The batch from collator to model, under Python's keys: what `DataCollatorForTokenClassification`,
 * `DataCollatorWithPadding` and `defaultDataCollator` return (host tensors, or tfjs tensors with
 * `returnTensors: 'tfjs'`), and what `@ner/models`' `forward`, `computeLoss` and
 * `computeGradients` take as they are. `input_ids` `[B, T]`; `attention_mask` `[B, T]` (1 = attend);
 * `token_type_ids` `[B, T]` (BERT); `labels` `[B, T]` token labels (-100 = ignore) or `[B]` / `[B, C]`
 * sequence labels. Other columns a collator keeps (`special_tokens_mask`, ...) may ride along;
 * models ignore them.
 */
export interface ModelBatch {
  readonly input_ids: BatchTensorLike;
  readonly attention_mask?: BatchTensorLike | null;
  readonly token_type_ids?: BatchTensorLike | null;
  readonly labels?: BatchTensorLike | null;
}
