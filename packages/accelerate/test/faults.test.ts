// kill -9 of one rank in the middle of data-parallel training: every process is gone well within
// 30 s, the launch fails with the killed rank's status, and no checkpoint is half-written.
import '@tensorflow/tfjs-backend-cpu';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Accelerator, LaunchError, launch } from '../src/index.js';
import { CountingScheduler, MomentumSGD, tinyModel } from './fixtures/tiny.mjs';
import { makeTempDir, removeTempDirs } from './temp-dirs.js';

afterEach(removeTempDirs);
const here = dirname(fileURLToPath(import.meta.url));

beforeAll(async () => {
  if (!existsSync(join(here, '..', 'dist', 'index.js'))) {
    throw new Error(
      'The multi-process tests run the built package: run `npx tsup` in packages/accelerate first.',
    );
  }
  await tf.setBackend('cpu');
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('faults', () => {
  it('kill -9 of a rank mid-training: all gone within 30 s, its status, no half-written checkpoint', async () => {
    const out = makeTempDir('ner-kill-');
    const pids: number[] = [];
    const run = launch({
      nprocPerNode: 2,
      script: join(here, 'fixtures', 'checkpoint-worker.mjs'),
      args: [out, '100000'],
      stdio: 'pipe',
      onSpawn: (local, pid) => {
        pids[local] = pid;
      },
    }).catch((error: unknown) => error);
    await until(() => existsSync(join(out, 'rank-1.ready')), 60_000);
    process.kill(pids[1]!, 'SIGKILL');
    const killedAt = Date.now();
    const error = (await run) as LaunchError;
    const took = Date.now() - killedAt;
    expect(error).toBeInstanceOf(LaunchError);
    expect(error.rank).toBe(1);
    expect(error.signal).toBe('SIGKILL');
    expect(error.exitStatus).toBe(137);
    expect(took).toBeLessThan(30_000);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    // Every folder under a final name is whole: it loads into a fresh model and optimizer.
    const checkpoints = readdirSync(out).filter((name) => name.startsWith('checkpoint-'));
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    for (const name of checkpoints) {
      const accelerator = new Accelerator();
      const model0 = tinyModel(9);
      await accelerator.prepare(model0, new MomentumSGD(model0), new CountingScheduler());
      await accelerator.loadState(join(out, name));
      model0.dispose();
    }
  }, 90_000);
});
