// `loadState` on a damaged or mismatched state folder: an AccelerateError naming the file, thrown
// before anything is loaded. It used to assign the weights, then fail on the optimizer or the
// scheduler (a half-restored run), and a deeply nested optimizer.json overflowed the stack.
import '@tensorflow/tfjs-backend-cpu';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AccelerateError, Accelerator } from '../../src/index.js';
import { type CountingScheduler, preparedTiny, row, trainStep } from '../fixtures/tiny.mjs';
import { makeTempDir, removeTempDirs } from '../temp-dirs.js';

afterEach(removeTempDirs);
beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A state folder saved after two steps of the tiny setup. */
async function savedState(): Promise<string> {
  const accelerator = new Accelerator();
  const setup = await preparedTiny(accelerator);
  for (let step = 0; step < 2; step++) await trainStep(accelerator, setup, [row(step), row(step + 1)]);
  const dir = join(makeTempDir('ner-load-state-'), 'state');
  await accelerator.saveState(dir);
  return dir;
}

/** loadState of `dir` into a fresh setup: the error, and whether the setup is as it was. */
async function loadError(dir: string): Promise<{ error: unknown; untouched: boolean }> {
  const accelerator = new Accelerator();
  const [model, optimizer, scheduler] = await preparedTiny(accelerator, 77);
  const snapshot = () =>
    JSON.stringify({
      weights: model.namedParameters().map(([, v]) => [...v.dataSync()]),
      steps: optimizer.steps,
      velocity: Object.values(
        (optimizer.stateDict() as { state: Record<string, { data: Float32Array }> }).state,
      ).map((entry) => [...entry.data]),
      count: (scheduler.scheduler as CountingScheduler).count,
    });
  const before = snapshot();
  const error = await accelerator.loadState(dir).catch((e: unknown) => e);
  return { error, untouched: snapshot() === before };
}

describe('loadState of a damaged folder', () => {
  it('a scheduler state its checkStateDict refuses: named, and the weights and optimizer are not loaded', async () => {
    const dir = await savedState();
    writeFileSync(join(dir, 'scheduler.json'), JSON.stringify({ count: 'two' }));
    const { error, untouched } = await loadError(dir);
    expect(error).toBeInstanceOf(AccelerateError);
    expect((error as Error).message).toBe(
      `loadState: ${join(dir, 'scheduler.json')} does not fit: CountingScheduler: count must be an integer >= 0, not "two"`,
    );
    expect(untouched).toBe(true);
  });

  it('a truncated optimizer.safetensors: named, nothing loaded', async () => {
    const dir = await savedState();
    const path = join(dir, 'optimizer.safetensors');
    writeFileSync(path, readFileSync(path).subarray(0, 64));
    const { error, untouched } = await loadError(dir);
    expect(error).toBeInstanceOf(AccelerateError);
    expect((error as Error).message).toMatch(
      new RegExp(`^loadState: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `),
    );
    expect(untouched).toBe(true);
  });

  it('a weight missing from model.safetensors: named, nothing loaded', async () => {
    const dir = await savedState();
    const path = join(dir, 'model.safetensors');
    const bytes = readFileSync(path);
    // Rename the classifier's bias in the header (same length): the model's own name is then absent.
    const text = bytes.toString('latin1').replace('"classifier.bias"', '"classifier.xxxx"');
    writeFileSync(path, Buffer.from(text, 'latin1'));
    const { error, untouched } = await loadError(dir);
    expect(error).toBeInstanceOf(AccelerateError);
    expect((error as Error).message).toBe(`loadState: ${path} has no tensor "classifier.bias"`);
    expect(untouched).toBe(true);
  });

  it('an optimizer.json nested 20,000 deep: refused by its depth, not a stack overflow', async () => {
    const dir = await savedState();
    writeFileSync(join(dir, 'optimizer.json'), `${'['.repeat(20_000)}${']'.repeat(20_000)}`);
    const { error, untouched } = await loadError(dir);
    expect(error).toBeInstanceOf(AccelerateError);
    expect((error as Error).message).toBe(
      `loadState: ${join(dir, 'optimizer.json')} nests 20000 levels deep, more than the 100 a state dict may`,
    );
    expect(untouched).toBe(true);
  });

  it('a state file replaced by a folder, and tensors whose file is gone: named, nothing loaded', async () => {
    const dir = await savedState();
    rmSync(join(dir, 'scheduler.json'));
    mkdirSync(join(dir, 'scheduler.json'));
    const folder = await loadError(dir);
    expect(folder.error).toEqual(
      new AccelerateError(`loadState: ${join(dir, 'scheduler.json')} is a folder, not a file`),
    );
    expect(folder.untouched).toBe(true);
    const other = await savedState();
    rmSync(join(other, 'optimizer.safetensors'));
    const gone = await loadError(other);
    expect((gone.error as Error).message).toMatch(
      /^loadState: .*optimizer\.safetensors is missing \(the state refers to its tensor '.+'\)$/,
    );
    expect(gone.untouched).toBe(true);
  });

  it('an undamaged folder loads (the cases above fail for their damage only)', async () => {
    const dir = await savedState();
    const { error, untouched } = await loadError(dir);
    expect(error).toBeUndefined();
    expect(untouched).toBe(false);
  });
});
