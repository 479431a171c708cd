// Data parallel over 2 CPU processes on loopback, against a 1-process run with the combined batch.
import '@tensorflow/tfjs-backend-cpu';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutoModelForSequenceClassification, entryToFloat32, parseSafetensors } from '@ner/models';
import { sharedPath } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LaunchError, launch } from '../src/index.js';
import { makeTempDir, removeTempDirs } from './temp-dirs.js';

interface OracleBatch {
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][];
  labels: number[];
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

afterEach(removeTempDirs);

const here = dirname(fileURLToPath(import.meta.url));
const worker = join(here, 'fixtures', 'dp-worker.mjs');

beforeAll(async () => {
  if (!existsSync(join(here, '..', 'dist', 'index.js'))) {
    throw new Error(
      'The multi-process tests run the built package: run `npx tsup` in packages/accelerate first.',
    );
  }
  await tf.setBackend('cpu');
});

function combinedRows(batches: OracleBatch[], k: number) {
  const a = batches[k % batches.length]!;
  const b = batches[(k + 1) % batches.length]!;
  const pick = <T>(rows: (x: OracleBatch) => T[]) => [rows(a)[0]!, rows(a)[1]!, rows(b)[0]!, rows(b)[1]!];
  const int2d = (values: number[][]) => tf.tensor2d(values, undefined, 'int32');
  return {
    input_ids: int2d(pick((x) => x.input_ids)),
    attention_mask: int2d(pick((x) => x.attention_mask)),
    token_type_ids: int2d(pick((x) => x.token_type_ids)),
    labels: tf.tensor1d(
      pick((x) => x.labels),
      'int32',
    ),
  };
}

describe('Accelerator over 2 processes', () => {
  it('reaches the parameters of a 1-process run on the combined batch (1e-5)', async () => {
    const out = makeTempDir('ner-dp-');
    // sharedPath fails with a clear message when ../shared is missing.
    const modelDir = sharedPath('oracle', 'models', 'bert-seq-cls');
    const batchesPath = sharedPath('oracle', 'models', 'bert-seq-cls', 'train', 'batches.json');
    await launch({
      nprocPerNode: 2,
      script: worker,
      args: ['train', out, modelDir, batchesPath],
      stdio: 'pipe',
    });

    const model = await AutoModelForSequenceClassification.fromPretrained(modelDir);
    const batches = JSON.parse(readFileSync(batchesPath, 'utf8')) as OracleBatch[];
    for (let step = 0; step < 3; step++) {
      const batch = combinedRows(batches, step);
      const { loss, grads } = model.computeGradients(batch, { training: false });
      // The workers' plain SGD step (lr 0.5) on the mean gradient of the combined batch.
      for (const [name, v] of model.namedParameters()) {
        tf.tidy(() => v.assign(tf.sub(v, tf.mul(grads.get(name)!, 0.5))));
      }
      tf.dispose([loss, ...grads.values(), ...Object.values(batch)]);
    }
    const path = join(out, 'params.safetensors');
    const saved = parseSafetensors(readFileSync(path), path);
    let worst = 0;
    for (const [name, variable] of model.namedParameters()) {
      worst = Math.max(
        worst,
        maxAbsDiff(entryToFloat32(saved.tensors.get(name)!, name), variable.dataSync()),
      );
    }
    expect(worst).toBeLessThan(1e-5);
    // The weights did move (the comparison is not vacuous).
    const initial = readFileSync(join(modelDir, 'model.safetensors'));
    const first = parseSafetensors(initial, 'initial');
    const name = 'classifier.weight';
    expect(
      maxAbsDiff(entryToFloat32(first.tensors.get(name)!, name), model.parameters.get(name)!.dataSync()),
    ).toBeGreaterThan(1e-4);
    model.dispose();
  });

  it('pads different sequence lengths with -100 and gathers every sample exactly once', async () => {
    const out = makeTempDir('ner-dp-');
    await launch({ nprocPerNode: 2, script: worker, args: ['eval', out], stdio: 'pipe' });
    const steps = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8')) as {
      shape: number[];
      data: number[];
    }[];
    // 5 samples, batch 2, 2 processes: step 1 = samples 0,1 | 2,3; step 2 = sample 4 (+ 3 repeats, dropped).
    // Step 1: widths 3 (rank 0) and 5 (rank 1) → padded to 5. Step 2: rank 0 holds sample 4 (length 6).
    expect(steps.map((s) => s.shape)).toEqual([
      [4, 5],
      [1, 6],
    ]);
    const ids: number[] = [];
    for (const { shape, data } of steps) {
      const width = shape[1]!;
      for (let r = 0; r < shape[0]!; r++) {
        const row = data.slice(r * width, (r + 1) * width);
        const id = row[0]!;
        ids.push(id);
        // Sample id has length 2 + id, the rest is -100 padding.
        expect(row).toEqual([...Array(2 + id).fill(id), ...Array(width - 2 - id).fill(-100)]);
      }
    }
    expect(ids.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('ner-launch (the bin) exits non-zero naming the failing rank', async () => {
    const out = makeTempDir('ner-dp-');
    const bin = join(here, '..', 'dist', 'ner-launch.js');
    const result = spawnSync(process.execPath, [bin, '--nproc-per-node', '2', worker, 'crash', out], {
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/rank 1 failed/);
    expect(result.stderr).toMatch(/worker 1 exploded on purpose/);
  });

  it("stops the other workers and reports the failing rank's error", async () => {
    const out = makeTempDir('ner-dp-');
    const error = await launch({
      nprocPerNode: 2,
      script: worker,
      args: ['crash', out],
      stdio: 'pipe',
    }).catch((e) => e);
    expect(error).toBeInstanceOf(LaunchError);
    expect(String(error.message)).toMatch(/rank 1/);
  });
});
