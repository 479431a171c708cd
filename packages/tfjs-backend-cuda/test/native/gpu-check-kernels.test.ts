// tools/gpu-check/checks/kernels-check.mjs is the GPU check's `kernels` step (and, with NVRTC forced,
// its `kernels-nvrtc` step): every kernel of a BERT step on `cuda` against `cpu`. It only runs on a
// GPU machine now and then, so it is rehearsed here on the package's FakeCudaDevice
// (NER_GPU_CHECK_FAKE_DEVICE=1, one random draw per op): every case of every family must pass, so a
// change to the backend, to @ner/models or to the check itself that would break the step shows on
// CI first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..', '..', '..');
const script = join(repo, 'tools', 'gpu-check', 'checks', 'kernels-check.mjs');
const needed = ['tfjs-backend-cuda', 'models', 'trainer', 'pipeline'].map((p) =>
  join(repo, 'packages', p, 'dist', 'index.js'),
);
const built = needed.every((file) => existsSync(file));
const dir = mkdtempSync(join(tmpdir(), 'ner-gpu-check-kernels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface KernelsReport {
  passed: number;
  failed: number;
  errors: number;
  caseCount: number;
  cases: { name: string; status: string; fallbacks?: Record<string, number> }[];
  randomUniform: { ok: boolean };
  'RandomUniform kernel': { ok: boolean };
}

it('passes every case on the fake device, one draw per op', () => {
  if (!built) {
    expect(process.env.CI, 'CI builds every package before the tests').toBeFalsy();
    console.log('skipped: the packages are not built (pnpm build)');
    return;
  }
  const json = join(dir, 'kernels.json');
  const run = spawnSync(process.execPath, [script, '--json', json], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, NER_GPU_CHECK_FAKE_DEVICE: '1', NER_GPU_KERNEL_DRAWS: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(run.status, `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`).toBe(0);
  const report = JSON.parse(readFileSync(json, 'utf8')) as KernelsReport;
  expect(report).toMatchObject({ failed: 0, errors: 0 });
  expect(report.passed).toBe(report.caseCount);
  expect(report.randomUniform.ok && report['RandomUniform kernel'].ok).toBe(true);
  // Every family of kernel-cases/ ran.
  const names = report.cases.map((c) => c.name);
  for (const family of [
    'unary ',
    'binary f32 ',
    'binary i32 ',
    'select ',
    'cast ',
    'NerGeluErf ',
    'NerSoftmaxGrad ',
    'reduce ',
    'softmax ',
    'transpose ',
    'gather ',
    'unsortedSegmentSum ',
    'scatterND ',
    'pad ',
    'concat ',
    'slice ',
    'matMul ',
    'fused matMul ',
    'bf16 autocast matMul ',
    'grad: ',
    'NerLayerNorm ',
    'NerAdamW ',
    'NerAdamWMulti ',
  ]) {
    expect(
      names.some((n) => n.startsWith(family)),
      family,
    ).toBe(true);
  }
  // The kernels that fall back to the cpu: four the backend leaves out on purpose, none of which a
  // BERT step runs (its steps have 0 fallbacks: bert.test.ts, trainer-step.test.ts).
  const fellBack = new Set(report.cases.flatMap((c) => Object.keys(c.fallbacks ?? {})));
  expect([...fellBack].sort()).toEqual(['ClipByValue', 'LeakyRelu', 'Relu6', 'SplitV']);
}, 180_000);
