// Helpers to read the Python oracle fixtures under ../shared/oracle/models.
import { readFileSync } from 'node:fs';
import { entryToFloat32, parseSafetensors } from '@ner/models';
import { sharedPath } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';

export interface OracleBatch {
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids?: number[][];
  labels: number[][] | number[];
  labels_dtype: 'int64' | 'float32';
}

export interface OracleStep {
  step: number;
  batch_index: number;
  loss: number;
  lr: number;
  lr_per_group: number[];
  grad_global_norm: number;
}

export interface OracleLog {
  variant: string;
  decay_param_names: string[];
  no_decay_param_names: string[];
  steps: OracleStep[];
  lr_after: number | number[];
}

export interface OracleModelInfo {
  task: string;
  family: string;
  train?: Record<string, unknown>;
}

export const manifest = JSON.parse(readFileSync(sharedPath('oracle', 'models', 'manifest.json'), 'utf8')) as {
  models: Record<string, OracleModelInfo>;
  training: {
    lr: number;
    betas: [number, number];
    eps: number;
    weight_decay: number;
    num_warmup_steps: number;
    num_training_steps: number;
  };
};

export const trainedModels = Object.entries(manifest.models).filter(([, info]) => info.train !== undefined);

export function oracleDir(...parts: string[]): string {
  return sharedPath('oracle', 'models', ...parts);
}

export function readJson<T>(...parts: string[]): T {
  return JSON.parse(readFileSync(oracleDir(...parts), 'utf8')) as T;
}

export function readTensors(...parts: string[]): Map<string, { shape: number[]; data: Float32Array }> {
  const path = oracleDir(...parts);
  const file = parseSafetensors(readFileSync(path), path);
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, entry] of file.tensors)
    out.set(name, { shape: [...entry.shape], data: entryToFloat32(entry, name) });
  return out;
}

/** An oracle batch as model input tensors (the caller disposes them). */
export function toModelBatch(batch: OracleBatch): {
  inputIds: tf.Tensor;
  attentionMask: tf.Tensor;
  tokenTypeIds?: tf.Tensor;
  labels: tf.Tensor;
} {
  return {
    inputIds: tf.tensor2d(batch.input_ids, undefined, 'int32'),
    attentionMask: tf.tensor2d(batch.attention_mask, undefined, 'int32'),
    ...(batch.token_type_ids ? { tokenTypeIds: tf.tensor2d(batch.token_type_ids, undefined, 'int32') } : {}),
    labels: tf.tensor(
      batch.labels as number[],
      undefined,
      batch.labels_dtype === 'float32' ? 'float32' : 'int32',
    ),
  };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
