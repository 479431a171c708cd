// Helpers to read the Python oracle fixtures under ../shared/oracle/models.
import { readFileSync } from 'node:fs';
import { type OracleBatch, sharedPath } from '@ner/test-support';
import { entryToFloat32, parseSafetensors } from '../src/index.js';

export interface OracleModel {
  class: string;
  family: 'bert' | 'distilbert';
  task: string;
  problem_type: string | null;
  num_labels: number;
  id2label: Record<string, string>;
  loss: number;
  num_parameters: number;
  /** The tensors Python wrote to outputs.safetensors, by name. */
  outputs: Record<string, { shape: number[]; dtype: string }>;
  /** Only the classification models that have train/ fixtures. */
  train?: {
    params_without_grad: string[];
    hf_trainer_groups: { n_decay: number; n_no_decay: number };
  };
}

export const manifest = JSON.parse(readFileSync(sharedPath('oracle', 'models', 'manifest.json'), 'utf8')) as {
  models: Record<string, OracleModel>;
};

export function modelDir(name: string): string {
  return sharedPath('oracle', 'models', name);
}

export function readInputs(name: string): OracleBatch {
  return JSON.parse(readFileSync(sharedPath('oracle', 'models', name, 'inputs.json'), 'utf8')) as OracleBatch;
}

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

export function readTensors(...parts: string[]): Map<string, NamedTensor> {
  const path = sharedPath('oracle', 'models', ...parts);
  const file = parseSafetensors(readFileSync(path), path);
  const out = new Map<string, NamedTensor>();
  for (const [name, entry] of file.tensors)
    out.set(name, { shape: [...entry.shape], data: entryToFloat32(entry, name) });
  return out;
}

/** Largest |a - b| / (atol + rtol |b|); <= 1 means within tolerance. */
export function worstError(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol: number,
) {
  let worst = 0;
  let maxAbs = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    maxAbs = Math.max(maxAbs, diff);
    worst = Math.max(worst, diff / (atol + rtol * Math.abs(expected[i]!)));
  }
  return { ratio: worst, maxAbs };
}
