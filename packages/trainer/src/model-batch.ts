import type { BatchTensorLike, ModelBatch } from '@ner/collate';
import * as tf from '@tensorflow/tfjs-core';
import { TrainerError } from './errors.js';

/**
 * The model fields of a collated batch as tfjs tensors, under the collator's keys (Python's):
 * the same `ModelBatch` the models take, with every field a tensor.
 */
export interface ModelInputs extends ModelBatch {
  readonly input_ids: tf.Tensor;
  readonly attention_mask?: tf.Tensor;
  readonly token_type_ids?: tf.Tensor;
  readonly labels?: tf.Tensor;
}

/** The keys a model reads; the rest of a batch (`length`, `special_tokens_mask`, ...) stays out. */
const MODEL_KEYS = ['input_ids', 'attention_mask', 'token_type_ids', 'labels'] as const;

function toTensor(value: BatchTensorLike, key: string): tf.Tensor {
  if (value instanceof tf.Tensor) return tf.clone(value);
  if (Array.isArray(value)) return tf.tensor(value as number[]);
  if (value && typeof value === 'object' && 'data' in value && 'shape' in value) {
    const dtype = value.dtype === 'float32' || value.data instanceof Float32Array ? 'float32' : 'int32';
    return tf.tensor(value.data as Float32Array | Int32Array, [...value.shape], dtype);
  }
  throw new TrainerError(
    `batch field '${key}': expected a tensor, nested arrays or {data, shape}, got ${typeof value}`,
  );
}

/**
 * Copies the fields a model reads from a collated batch to fresh tfjs tensors, keys unchanged
 * (the loops gather labels and count tokens on tensors; the caller disposes the copies). Models
 * take a collator's batch as it is, so a hand-written loop can pass `batch` straight to
 * `model.computeGradients` / `accelerator.computeGradients`.
 *
 * A label column a collator left under another of `labelNames` (`label`, as
 * `DataCollatorForTokenClassification` keeps it) is an error, not renamed: models read `labels`,
 * as in Python; `DataCollatorWithPadding` and `defaultDataCollator` rename `label` as Python does.
 */
export function toModelInputs(
  batch: Record<string, unknown>,
  labelNames: readonly string[] = ['labels'],
): ModelInputs {
  if (batch === null || typeof batch !== 'object')
    throw new TrainerError(`expected a batch object, got ${batch}`);
  if (batch.input_ids == null)
    throw new TrainerError(`batch has no 'input_ids' (keys: ${Object.keys(batch).join(', ')})`);
  const stray = labelNames.find((name) => name !== 'labels' && batch[name] != null);
  if (batch.labels == null && stray !== undefined) {
    throw new TrainerError(
      `batch has labels under '${stray}' but models read 'labels'; collate with DataCollatorWithPadding or ` +
        `defaultDataCollator (they rename '${stray}' as Python does) or name the column 'labels'`,
    );
  }
  const out: Record<string, tf.Tensor> = {};
  for (const key of MODEL_KEYS) {
    const value = batch[key];
    if (value != null) out[key] = toTensor(value as BatchTensorLike, key);
  }
  return out as unknown as ModelInputs;
}
