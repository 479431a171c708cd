import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignCheckpointWeights, readCheckpointWeights } from './checkpoint-weights.js';
import { CheckpointError } from './errors.js';
import { serializeSafetensors } from './safetensors.js';

const dir = mkdtempSync(join(tmpdir(), 'ner-checkpoint-weights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await tf.setBackend('cpu');
});

const file = join(dir, 'model.safetensors');
writeFileSync(
  file,
  serializeSafetensors({
    'a.weight': { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
    'a.bias': { shape: [2], data: new Float32Array([5, 6]) },
  }),
);

describe('readCheckpointWeights / assignCheckpointWeights', () => {
  it('reads every weight in the order of the variables, then assigns them', async () => {
    const params = [
      ['a.bias', tf.variable(tf.zeros([2]))],
      ['a.weight', tf.variable(tf.zeros([2, 2]))],
    ] as const;
    const values = await readCheckpointWeights(file, params);
    expect(values.map((v) => [...v])).toEqual([
      [5, 6],
      [1, 2, 3, 4],
    ]);
    expect([...params[0][1].dataSync()]).toEqual([0, 0]);
    assignCheckpointWeights(params, values);
    expect([...params[1][1].dataSync()]).toEqual([1, 2, 3, 4]);
    tf.dispose(params.map(([, v]) => v));
  });

  it('names the file and the tensor for each problem', async () => {
    const bias = tf.variable(tf.zeros([2]));
    const wide = tf.variable(tf.zeros([3]));
    const fail = (path: string, params: readonly (readonly [string, tf.Variable])[]) =>
      readCheckpointWeights(path, params).catch((e: unknown) => e as Error);
    const missing = await fail(file, [['b.bias', bias]]);
    expect(missing).toEqual(new CheckpointError(`${file} has no tensor "b.bias"`));
    const shape = await fail(file, [['a.bias', wide]]);
    expect(shape).toEqual(new CheckpointError(`${file}: "a.bias" has shape [2], the model expects [3]`));
    expect(await fail(join(dir, 'none.safetensors'), [])).toEqual(
      new CheckpointError(`${join(dir, 'none.safetensors')} is missing`),
    );
    mkdirSync(join(dir, 'folder.safetensors'));
    expect(await fail(join(dir, 'folder.safetensors'), [])).toEqual(
      new CheckpointError(`${join(dir, 'folder.safetensors')} is a folder, not a file`),
    );
    writeFileSync(join(dir, 'short.safetensors'), Buffer.from([1, 2, 3]));
    const short = await fail(join(dir, 'short.safetensors'), []);
    expect(short).toBeInstanceOf(CheckpointError);
    expect((short as Error).message).toContain(join(dir, 'short.safetensors'));
    tf.dispose([bias, wide]);
  });
});
