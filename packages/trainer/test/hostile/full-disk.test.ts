// Issue 14, item 8: a full disk surfaced as a raw ENOSPC. Checkpoint and model
// writes now throw typed errors naming the file and the code, remove their
// temporaries and leave what was already on disk whole. The full disk is
// injected: writeFile throws Node's ENOSPC error for the paths chosen (as a
// full 200 KiB tmpfs did when checked by hand: ENOSPC from write, no path).
import '@tensorflow/tfjs-backend-cpu';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CheckpointError, CheckpointWriteError, SaveError, Trainer, TrainerError } from '../../src/index.js';
import { makeTempDir, removeTempDirs } from '../temp-dirs.js';
import { collator, SHORT_RUN, shortRunTrainer, syntheticRows, tinyModel } from '../tiny.js';

// Like Node's own: a failed write (not open) names no path, so the errors must name the file.
const disk = vi.hoisted(() => ({ failWhen: undefined as ((path: string) => boolean) | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const { fullDiskFsPromises } = await import('@ner/test-support');
  return fullDiskFsPromises(await importOriginal<typeof import('node:fs/promises')>(), disk);
});

const rows = syntheticRows(16);
const args = SHORT_RUN;

const tempDir = () => makeTempDir('ner-full-disk-');

/** Every file of a folder with its bytes, to compare before and after. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name)).toString('base64')]),
  );
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => {
  disk.failWhen = undefined;
  removeTempDirs();
});

describe('a full disk while saving', () => {
  it('a checkpoint write throws CheckpointWriteError (path, ENOSPC), removes the temporary and keeps checkpoint-2', async () => {
    const out = tempDir();
    let checkpoint2: Record<string, string> | undefined;
    const trainer = shortRunTrainer(out, rows, {}, [
      {
        onSave: (_args, state) => {
          if (state.globalStep !== 2) return;
          checkpoint2 = snapshot(join(out, 'checkpoint-2'));
          // The disk fills up before the next checkpoint's optimizer state.
          disk.failWhen = (path) =>
            path.includes('.tmp-checkpoint-4-') && path.endsWith('optimizer.safetensors');
        },
      },
    ]);
    const error = await trainer.train().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointWriteError);
    expect(error).toBeInstanceOf(SaveError);
    expect(error).toBeInstanceOf(TrainerError);
    const failure = error as CheckpointWriteError;
    expect(failure.code).toBe('ENOSPC');
    expect(failure.path).toMatch(/\.tmp-checkpoint-4-\d+-\d+[/\\]optimizer\.safetensors$/);
    expect(failure.message).toContain(
      `Cannot write checkpoint ${join(out, 'checkpoint-4')}: disk full (ENOSPC)`,
    );
    expect((failure.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(readdirSync(out)).toEqual(['checkpoint-2']);
    expect(snapshot(join(out, 'checkpoint-2'))).toEqual(checkpoint2);
  });

  it('replacing an existing checkpoint of the same step keeps the old copy whole', async () => {
    const out = tempDir();
    const trainer = shortRunTrainer(out, rows, { maxSteps: 2 });
    await trainer.train();
    const before = snapshot(join(out, 'checkpoint-2'));
    disk.failWhen = (path) => path.endsWith('trainer_state.json');
    const error = await trainer.saveCheckpoint().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointWriteError);
    expect((error as Error).message).toContain(
      `the existing ${join(out, 'checkpoint-2')} was left as it was`,
    );
    expect(readdirSync(out)).toEqual(['checkpoint-2']);
    expect(snapshot(join(out, 'checkpoint-2'))).toEqual(before);
  });

  it('saveModel throws SaveError naming the file and keeps the earlier training_args.json', async () => {
    const out = tempDir();
    const trainer = shortRunTrainer(out, rows, { maxSteps: 1, saveStrategy: 'no' });
    await trainer.saveModel(join(out, 'final'));
    const before = readFileSync(join(out, 'final', 'training_args.json'), 'utf8');
    disk.failWhen = (path) => path.includes('training_args.json');
    const error = await trainer.saveModel(join(out, 'final')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SaveError);
    expect(error).not.toBeInstanceOf(CheckpointError);
    expect((error as SaveError).code).toBe('ENOSPC');
    expect((error as SaveError).path).toContain('training_args.json');
    expect((error as Error).message).toContain('disk full (ENOSPC)');
    expect(readdirSync(join(out, 'final')).sort()).toEqual([
      'README.md', // the model card saveModel writes
      'config.json',
      'model.safetensors',
      'training_args.json',
    ]);
    expect(readFileSync(join(out, 'final', 'training_args.json'), 'utf8')).toBe(before);
  });

  it('errors that are not system errors pass through unchanged, after the temporary is removed', async () => {
    const out = tempDir();
    const bug = new TypeError('tokenizer bug');
    const trainer = new Trainer({
      model: tinyModel(),
      args: { ...args, outputDir: out, maxSteps: 2 },
      trainDataset: rows,
      dataCollator: collator,
      processingClass: {
        savePretrained: () => {
          throw bug;
        },
      },
    });
    await expect(trainer.train()).rejects.toBe(bug);
    expect(readdirSync(out)).toEqual([]);
  });
});
