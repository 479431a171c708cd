import '@tensorflow/tfjs-backend-cpu';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Accelerator } from '../src/index.js';
import { type CountingScheduler, preparedTiny, row, TINY_CONFIG, trainStep } from './fixtures/tiny.mjs';
import { makeTempDir, removeTempDirs } from './temp-dirs.js';

afterEach(removeTempDirs);
beforeAll(async () => {
  await tf.setBackend('cpu');
});

const weights = (model: { namedParameters(): [string, tf.Variable][] }) =>
  model.namedParameters().map(([, v]) => [...v.dataSync()]);

async function trainedSetup() {
  const accelerator = new Accelerator();
  const setup = await preparedTiny(accelerator);
  for (let step = 0; step < 2; step++) await trainStep(accelerator, setup, [row(step), row(step + 1)]);
  const [model, optimizer, scheduler] = setup;
  return { accelerator, model, optimizer, scheduler };
}

describe('saveState / loadState', () => {
  it('round-trips the model, the optimizer state and the scheduler', async () => {
    const dir = join(makeTempDir('ner-state-'), 'state');
    const { accelerator, model, optimizer } = await trainedSetup();
    await accelerator.saveState(dir);
    expect(readdirSync(dir).sort()).toEqual([
      'config.json',
      'model.safetensors',
      'optimizer.json',
      'optimizer.safetensors',
      'scheduler.json',
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'scheduler.json'), 'utf8'))).toEqual({ count: 2 });
    const saved = { weights: weights(model), optimizer: optimizer.stateDict() };

    const fresh = await (async () => {
      const other = new Accelerator();
      const [m, o, s] = await preparedTiny(other, 77);
      expect(weights(m)).not.toEqual(saved.weights);
      await other.loadState(dir);
      return { m, o, s };
    })();
    expect(weights(fresh.m)).toEqual(saved.weights);
    expect(fresh.o.stateDict()).toEqual(saved.optimizer);
    expect(fresh.o.steps).toBe(2);
    expect((fresh.s.scheduler as CountingScheduler).count).toBe(2);
  });

  it('replaces an older state whole, and a failed save leaves neither a half folder nor temp files', async () => {
    const parent = makeTempDir('ner-state-');
    const dir = join(parent, 'state');
    const { accelerator, model } = await trainedSetup();
    await accelerator.saveState(dir);
    await accelerator.saveState(dir);
    expect(readdirSync(parent)).toEqual(['state']);
    // The disk "fills up" while the model is written: nothing under the final name changes.
    const before = readFileSync(join(dir, 'model.safetensors'));
    const original = model.savePretrained.bind(model);
    model.savePretrained = async (to: string) => {
      await original(to);
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    };
    await expect(accelerator.saveState(dir)).rejects.toThrow(/ENOSPC/);
    expect(readdirSync(parent)).toEqual(['state']);
    expect(readFileSync(join(dir, 'model.safetensors')).equals(before)).toBe(true);
    expect(existsSync(join(dir, 'optimizer.json'))).toBe(true);
  });

  it('loadState names what is missing or does not fit', async () => {
    const dir = join(makeTempDir('ner-state-'), 'state');
    const { accelerator } = await trainedSetup();
    await expect(accelerator.loadState(dir)).rejects.toThrow(/model\.safetensors is missing/);
    await accelerator.saveState(dir);
    const other = new Accelerator();
    const { AutoModelForSequenceClassification, BertConfig } = await import('@ner/models');
    const wider = AutoModelForSequenceClassification.fromConfig(
      new BertConfig({ ...TINY_CONFIG, hiddenSize: 8 }),
      { seed: 1 },
    );
    await other.prepare(wider);
    await expect(other.loadState(dir)).rejects.toThrow(/has shape \[\d+,16\], the model expects \[\d+,8\]/);
  });
});
