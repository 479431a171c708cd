// Accelerator.loadState with this package's AdamW and LambdaLR: their checkStateDict runs before
// anything is loaded, so a state folder whose scheduler or optimizer file does not fit throws an
// AccelerateError naming it, and the model, the optimizer and the scheduler stay as they were.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccelerateError, Accelerator } from '@ner/accelerate';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AdamW, getScheduler, trainerParameterGroups } from '../../src/index.js';
import { makeTempDir } from '../temp-dirs.js';
import { tinyModel, useCpuAndTempDirs } from '../tiny.js';

useCpuAndTempDirs();

async function prepared(seed: number) {
  const accelerator = new Accelerator();
  const model = tinyModel(seed);
  const optimizer = new AdamW(trainerParameterGroups(model, 0.01), { lr: 1e-3 });
  const scheduler = getScheduler('linear', optimizer, { numWarmupSteps: 1, numTrainingSteps: 10 });
  await accelerator.prepare(model, optimizer, scheduler);
  const snapshot = () =>
    JSON.stringify({
      weights: model.namedParameters().map(([, v]) => Array.from(v.dataSync())),
      lr: optimizer.paramGroups.map((g) => g.lr),
      moments: Object.keys(optimizer.stateDict().state).length,
      lastEpoch: scheduler.lastEpoch,
    });
  return { accelerator, model, optimizer, scheduler, snapshot };
}

/** A state folder after two AdamW steps of the tiny model. */
async function savedState(): Promise<string> {
  const { accelerator, model, optimizer, scheduler } = await prepared(7);
  const batch = {
    input_ids: tf.tensor2d([[2, 5, 6, 7]], [1, 4], 'int32'),
    labels: tf.tensor2d([[0, 1, 2, 1]], [1, 4], 'int32'),
  };
  for (let i = 0; i < 2; i++) {
    const { grads } = model.computeGradients(batch);
    optimizer.step(grads);
    scheduler.step();
    tf.dispose([...grads.values()]);
  }
  const dir = join(makeTempDir('ner-acc-state-'), 'state');
  await accelerator.saveState(dir);
  return dir;
}

function editJson(path: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(path, JSON.stringify(json));
}

describe('Accelerator.loadState with AdamW and LambdaLR', () => {
  it('loads a whole folder', async () => {
    const dir = await savedState();
    const fresh = await prepared(123);
    await fresh.accelerator.loadState(dir);
    expect(fresh.scheduler.lastEpoch).toBe(2);
    expect(Object.keys(fresh.optimizer.stateDict().state).length).toBeGreaterThan(0);
  });

  it.each([
    [
      'a scheduler lastEpoch that is not an integer',
      'scheduler.json',
      (json: Record<string, unknown>) => {
        json.lastEpoch = 'two';
      },
      /scheduler\.json does not fit: LambdaLR\.loadStateDict: lastEpoch must be an integer from -1 to 2\^53-1, not "two"$/,
    ],
    [
      'optimizer groups of a negative learning rate',
      'optimizer.json',
      (json: Record<string, unknown>) => {
        (json.paramGroups as { lr: number }[])[1]!.lr = -1;
      },
      /optimizer\.json does not fit: AdamW\.loadStateDict: paramGroups\[1\]\.lr must be a finite number >= 0, not -1$/,
    ],
  ])('%s: AccelerateError naming the file, nothing loaded', async (_what, file, edit, message) => {
    const dir = await savedState();
    editJson(join(dir, file), edit);
    const fresh = await prepared(123);
    const before = fresh.snapshot();
    const error = await fresh.accelerator.loadState(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccelerateError);
    expect((error as Error).message).toMatch(message);
    expect(fresh.snapshot()).toBe(before);
  });
});
