import * as tf from '@tensorflow/tfjs-core';
import { TrainerError } from './errors.js';

/** A batch field as collators make it: a tfjs tensor, or `{data, shape, dtype?}` (a HostTensor). */
type Field =
  | tf.Tensor
  | { data: ArrayLike<number>; shape: readonly number[]; dtype?: string }
  | number[]
  | number[][];

const KEY_MAP: Record<string, string> = {
  input_ids: 'inputIds',
  attention_mask: 'attentionMask',
  token_type_ids: 'tokenTypeIds',
  labels: 'labels',
  label: 'labels',
  label_ids: 'labels',
};

function toTensor(value: Field, key: string): tf.Tensor {
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

/** Model inputs as tfjs tensors, under the models' camelCase names. */
export interface ModelInputs {
  inputIds: tf.Tensor;
  attentionMask?: tf.Tensor;
  tokenTypeIds?: tf.Tensor;
  labels?: tf.Tensor;
}

/**
 * Turns a collated batch (Python keys `input_ids`, `attention_mask`,
 * `token_type_ids`, `labels`/`label`, or the models' camelCase keys) into
 * model inputs as fresh tfjs tensors the caller disposes. Keys the models do
 * not take (e.g. `length`, `word_ids`) are left out.
 */
export function toModelInputs(
  batch: Record<string, unknown>,
  labelNames: readonly string[] = ['labels', 'label'],
): ModelInputs {
  if (batch === null || typeof batch !== 'object')
    throw new TrainerError(`expected a batch object, got ${batch}`);
  const out: Record<string, tf.Tensor> = {};
  for (const [key, value] of Object.entries(batch)) {
    if (value === undefined || value === null) continue;
    const isLabel = labelNames.includes(key);
    const name = isLabel
      ? 'labels'
      : (KEY_MAP[key] ?? (['inputIds', 'attentionMask', 'tokenTypeIds'].includes(key) ? key : undefined));
    if (name === undefined || (name === 'labels' && !isLabel && key !== 'labels')) continue;
    if (out[name] !== undefined) continue;
    out[name] = toTensor(value as Field, key);
  }
  if (out.inputIds === undefined) {
    tf.dispose(Object.values(out));
    throw new TrainerError(`batch has no 'input_ids' (keys: ${Object.keys(batch).join(', ')})`);
  }
  return out as unknown as ModelInputs;
}

/** Rows in a batch (dim 0 of input_ids). */
export function batchRows(inputs: ModelInputs): number {
  return inputs.inputIds.shape[0] ?? 0;
}
