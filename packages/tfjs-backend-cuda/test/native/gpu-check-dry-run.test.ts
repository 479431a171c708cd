// scripts/gpu-kernel-check.mjs is what a GPU machine runs; rehearsed here against a second fake
// device (NER_CUDA_CHECK_DRY_RUN=1) so its cases stay valid for the ABI: every check passes.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const built = existsSync(join(root, 'dist', 'index.js')) && existsSync(join(root, 'dist', 'addon.js'));

describe('gpu-kernel-check.mjs', () => {
  it('passes every case in a dry run on the fake device', () => {
    if (!built) {
      expect(process.env.CI, 'CI builds dist before the tests').toBeFalsy();
      console.log('skipped: dist/ not built (pnpm --filter @ner/tfjs-backend-cuda build)');
      return;
    }
    const run = spawnSync(process.execPath, ['scripts/gpu-kernel-check.mjs', '--no-timing'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NER_CUDA_CHECK_DRY_RUN: '1', OUT: '' },
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { failures: number; passed: number; checks: unknown[] };
    expect(report.failures).toBe(0);
    expect(report.passed).toBeGreaterThan(100);
  }, 60_000);

  it('reports unavailable and exits 0 without a GPU', () => {
    if (!built) return;
    const run = spawnSync(process.execPath, ['scripts/gpu-kernel-check.mjs'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NER_CUDA_DISABLE: '1', OUT: '' },
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      available: false,
      reason: 'disabled by NER_CUDA_DISABLE',
    });
  });
});
