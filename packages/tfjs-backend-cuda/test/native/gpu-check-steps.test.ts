// The GPU check's steps run only on a GPU machine now and then, so their scripts are rehearsed here
// on the package's FakeCudaDevice (NER_GPU_CHECK_FAKE_DEVICE=1), as run.sh runs them: a change to
// the backend, to @ner/models or @ner/trainer, or to a check itself that would break a step shows on
// CI first. `kernels` (tools/gpu-check/checks/kernels-check.mjs, also the `kernels-nvrtc` step) runs
// every kernel of a BERT step on `cuda` against `cpu`, one random draw per op here; `probe`,
// `oracle`, `nccl` and `train-parity` run as they are.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..', '..', '..');
const checks = join(repo, 'tools', 'gpu-check', 'checks');
const needed = ['tfjs-backend-cuda', 'models', 'trainer', 'pipeline'].map((p) =>
  join(repo, 'packages', p, 'dist', 'index.js'),
);
const built = needed.every((file) => existsSync(file));
const dir = mkdtempSync(join(tmpdir(), 'ner-gpu-check-steps-'));
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

/**
 * Runs one check script on the fake device as run.sh does (`--json FILE`) and returns its JSON
 * result; null (after saying so) where the packages are not built, which CI never allows.
 */
function runCheck<T>(name: string, env: Record<string, string> = {}): T | null {
  if (!built) {
    expect(process.env.CI, 'CI builds every package before the tests').toBeFalsy();
    console.log('skipped: the packages are not built (pnpm build)');
    return null;
  }
  const json = join(dir, `${name}.json`);
  const run = spawnSync(process.execPath, [join(checks, `${name}.mjs`), '--json', json], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, NER_GPU_CHECK_FAKE_DEVICE: '1', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(run.status, `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`).toBe(0);
  return JSON.parse(readFileSync(json, 'utf8')) as T;
}

it('kernels: every case passes on the fake device, one draw per op', () => {
  const report = runCheck<KernelsReport>('kernels-check', { NER_GPU_KERNEL_DRAWS: '1' });
  if (!report) return;
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

it('probe: finds the fake device and says it is not a GPU result', () => {
  const probe = runCheck<{ available: boolean; status: { fake?: string } }>('probe');
  if (!probe) return;
  expect(probe.available).toBe(true);
  expect(probe.status.fake).toMatch(/not a GPU result/);
}, 60_000);

it('oracle, nccl and train-parity: every case passes on the fake device', () => {
  const counts = (r: { passed: number; failed: number } | null) => r && [r.passed > 0, r.failed];
  // The five oracle checkpoints' outputs and gradients, and the bf16 steps against the fake device.
  expect(counts(runCheck('oracle-check'))).toEqual(built ? [true, 0] : null);
  // NCCL at world size 1 on the fake device's communicator, and the dead peer's time-out.
  expect(counts(runCheck('nccl-check'))).toEqual(built ? [true, 0] : null);
  // BERT and DistilBERT trained 18 steps on `cuda` against `cpu`, and BERT with dropout.
  expect(counts(runCheck('train-parity'))).toEqual(built ? [true, 0] : null);
}, 180_000);
