// Helpers to read the Python oracle fixtures under ../shared/oracle/models.
import { readFileSync } from 'node:fs';
import { entryToFloat32, parseSafetensors } from '@ner/models';
import { type OracleBatch, sharedPath } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW,
  getScheduler,
  type ModelWithParameters,
  nameRuleParameterGroups,
  type ParamGroupInput,
  type TrainableModel,
  trainerParameterGroups,
} from '../src/index.js';

// The batch Python fed an oracle model (its inputs.json); one type with the models' tests.
export type { OracleBatch };

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
  input_ids: tf.Tensor;
  attention_mask: tf.Tensor;
  token_type_ids?: tf.Tensor;
  labels: tf.Tensor;
} {
  return {
    input_ids: tf.tensor2d(batch.input_ids, undefined, 'int32'),
    attention_mask: tf.tensor2d(batch.attention_mask, undefined, 'int32'),
    ...(batch.token_type_ids
      ? { token_type_ids: tf.tensor2d(batch.token_type_ids, undefined, 'int32') }
      : {}),
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

/** One of the oracle's weight-decay set-ups. */
export type DecayVariant = 'decay_all' | 'hf_trainer_groups' | 'name_rule_no_decay';

/** The oracle's AdamW (groups of `variant`) and linear warmup schedule for `model`. */
export function oracleOptimizer(model: ModelWithParameters & TrainableModel, variant: DecayVariant) {
  const training = manifest.training;
  let groups: ParamGroupInput[];
  if (variant === 'decay_all') groups = [{ params: model.namedParameters() }];
  else if (variant === 'hf_trainer_groups') groups = trainerParameterGroups(model, training.weight_decay);
  else groups = nameRuleParameterGroups(model, training.weight_decay);
  const optimizer = new AdamW(groups, {
    lr: training.lr,
    betas: training.betas,
    eps: training.eps,
    weightDecay: training.weight_decay,
  });
  const scheduler = getScheduler('linear', optimizer, {
    numWarmupSteps: training.num_warmup_steps,
    numTrainingSteps: training.num_training_steps,
  });
  return { groups, optimizer, scheduler };
}

/** Largest difference between the model's weights and Python's after the oracle's three steps. */
export function worstDiffAfterThreeSteps(model: TrainableModel, name: string, variant: DecayVariant): number {
  const after = readTensors(name, 'train', variant, 'params_after_3_steps.safetensors');
  let worst = 0;
  for (const [param, variable] of model.namedParameters()) {
    worst = Math.max(worst, maxAbsDiff(variable.dataSync(), after.get(param)!.data));
  }
  return worst;
}
