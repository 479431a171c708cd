// The CUDA kernels' arithmetic and indexing, checked without a GPU: src/cu compiled as host C++
// (emu/cuda_emu.h, one thread per block) runs every case of scripts/gpu-kernel-check.mjs on the
// fake device's memory, against the fake device's JS kernels. Warp shuffles, multi-thread block
// reductions and atomics under contention are not exercised here: they need a GPU.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEmulator } from './emu/build-emulator.js';

const root = join(import.meta.dirname, '..', '..');
const built = existsSync(join(root, 'dist', 'index.js')) && existsSync(join(root, 'dist', 'addon.js'));
const dir = mkdtempSync(join(tmpdir(), 'ner-cuda-emu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCheck(env: Record<string, string>): void {
  const { path, reason } = buildEmulator(dir);
  if (!path) {
    expect(process.env.CI, `CI has g++ and Node headers: ${reason}`).toBeFalsy();
    console.log(`skipped: ${reason}`);
    return;
  }
  const run = spawnSync(process.execPath, ['scripts/gpu-kernel-check.mjs', '--no-timing'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NER_CUDA_CHECK_EMULATOR: path, OUT: '', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = JSON.parse(run.stdout) as {
    failures: number;
    passed: number;
    checks: { name: string; ok: boolean }[];
  };
  expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  expect(report.failures).toBe(0);
  expect(report.passed).toBeGreaterThan(100);
  expect(run.status).toBe(0);
}

describe.runIf(built || process.env.CI)('CUDA kernels compiled for the CPU', () => {
  it('agree with the fake device on every gpu-kernel-check case, one thread per block', () => {
    runCheck({});
  }, 120_000);

  it('agree with blocks of host threads (barriers, shuffles, multi-warp reductions, atomics)', () => {
    runCheck({ NER_CUDA_CHECK_EMULATOR_THREADS: '1' });
  }, 300_000);
});

it.runIf(!built && !process.env.CI)('needs dist/ built', () => {
  console.log('skipped: dist/ not built (pnpm --filter @ner/tfjs-backend-cuda build)');
});
