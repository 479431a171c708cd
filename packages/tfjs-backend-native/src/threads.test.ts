// The addon from several worker_threads at once (issue 14, item 2). Every worker loads the addon
// into the same process, so its statics, its thread pool and OpenBLAS are shared: a scratch
// buffer shared by all callers once gave wrong products (errors of 1e5 times the rounding
// bound) and aborted with "double free or corruption". threads-stress.cjs runs 4 workers doing
// random products (128x256x192 and other shapes, transposes, batches, the packed few-row path)
// against a float64 reference, in a child process so that a crash fails the test.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { ADDON_PATH, addon } from './addon.js';
import { describeWithAddon } from './test-helpers.js';

const harness = join(dirname(fileURLToPath(import.meta.url)), 'threads-stress.cjs');

interface WorkerResult {
  checked: number;
  worst: number;
  failures: unknown[];
}
interface StressResult {
  panel: boolean;
  threadsBefore: number;
  threadsAfter: number;
  workers: WorkerResult[];
  afterExit: WorkerResult;
}

/** Runs the harness with `workers` threads of `iterations` products each; fails on a crash. */
function stress(workers: number, iterations: number, env: Record<string, string> = {}): StressResult {
  const run = spawnSync(process.execPath, [harness, ADDON_PATH, String(workers), String(iterations)], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 150_000,
  });
  expect(run.signal, `the harness was killed by ${run.signal}: ${run.stderr}`).toBeNull();
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as StressResult;
}

function expectAllCorrect(result: StressResult, workers: number, iterations: number): void {
  expect(result.workers).toHaveLength(workers);
  for (const [w, worker] of result.workers.entries()) {
    expect(worker.failures, `worker ${w}`).toEqual([]);
    // Some iterations are batches of 6 products; without the panel kernel, packed ones are skipped.
    expect(worker.checked, `worker ${w}`).toBeGreaterThanOrEqual(iterations / 2);
    expect(worker.worst, `worker ${w}`).toBeLessThanOrEqual(1);
  }
  // Workers exiting (environment teardown, thread_local buffers freed) leaves the addon working.
  expect(result.afterExit.failures).toEqual([]);
  expect(result.afterExit.checked).toBeGreaterThan(0);
  expect(result.afterExit.worst).toBeLessThanOrEqual(1);
}

describeWithAddon('the addon from 4 worker threads at once', () => {
  it('gives float64-correct products on the default path (panel kernel where the CPU has AVX-512F)', () => {
    const result = stress(4, 60);
    expect(result.panel).toBe(addon!.panelGemmEnabled());
    expectAllCorrect(result, 4, 60);
  }, 180_000);

  it('gives float64-correct products on OpenBLAS (NER_NATIVE_PANEL_GEMM=0)', () => {
    const result = stress(4, 40, { NER_NATIVE_PANEL_GEMM: '0' });
    expect(result.panel).toBe(false);
    expectAllCorrect(result, 4, 40);
  }, 180_000);

  it('keeps a thread count set before the workers start (their addon loads do not reset it)', () => {
    const result = stress(2, 4);
    expect(result.threadsBefore).toBe(3);
    expect(result.threadsAfter).toBe(3);
  }, 180_000);
});
