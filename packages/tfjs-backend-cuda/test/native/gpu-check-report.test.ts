// tools/gpu-check/report.py reads the main job's metrics off its log for the GPU report (trainer
// step) and for pack.sh's native reference, and examples/conll2003-accelerate's from its
// metrics.jsonl (accelerate step): checked on the lines the main job prints today (the
// Trainer's JSON evaluation lines and the closing summary), so a change of that output cannot
// silently leave the GPU report without an F1.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const report = join(import.meta.dirname, '..', '..', '..', '..', 'tools', 'gpu-check', 'report.py');
const havePython = spawnSync('python3', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'ner-gpu-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LOG = [
  '[@ner/models] TensorFlow.js backend: cuda (forced by NER_BACKEND)',
  'train 42123 rows, validation 3250 rows',
  '{"loss":0.4123,"grad_norm":1.25,"learning_rate":0.002,"epoch":1}',
  '{"eval_loss":0.31,"eval_precision":0.6,"eval_recall":0.62,"eval_f1":0.61,"eval_accuracy":0.93,"eval_runtime":2.5,"epoch":1}',
  '{"eval_loss":0.25,"eval_precision":0.74,"eval_recall":0.735,"eval_f1":0.7378,"eval_accuracy":0.95,"eval_runtime":2.4,"epoch":2}',
  '{"train_runtime":199.1,"train_samples_per_second":423.1,"train_steps_per_second":13.2,"train_loss":0.52,"epoch":2}',
  'validation: F1 0.738 (precision 0.740, recall 0.735), training took 199.1 s (398 CPU s), the whole job 231.4 s',
  'GPU_CHECK_CUDA_STATS {"backend":"cuda","fallbacks":{},"numTensors":93}',
].join('\n');

/** The targets report.py finish sets on a report whose only step is `step` with `results`. */
function stepTargets(name: string, step: string, results: Record<string, unknown>): Record<string, unknown> {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ steps: { [step]: { status: 'ok', results } } }));
  const run = spawnSync('python3', [report, 'finish', file, '--seconds', '12'], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { targets: Record<string, unknown> }).targets;
}

const bertStepTargets = (name: string, results: Record<string, unknown>) =>
  stepTargets(name, 'bert-step', results);

describe.runIf(havePython)('report.py trainer-result', () => {
  it("takes the final evaluation from the Trainer's last JSON line and the job's time from its summary", () => {
    const log = join(dir, 'trainer.out');
    writeFileSync(log, `${LOG}\n`);
    const reference = join(dir, 'reference.json');
    writeFileSync(reference, JSON.stringify({ eval_f1: 0.7381, backend: 'native' }));
    const run = spawnSync(
      'python3',
      [report, 'trainer-result', log, join(dir, 'no-output'), '--reference', reference],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      eval_f1: 0.7378,
      eval_loss: 0.25,
      eval_precision: 0.74,
      train_runtime: 199.1,
      train_loss: 0.52,
      wallSeconds: 231.4,
      backend: 'cuda',
      cudaStats: { backend: 'cuda', fallbacks: {}, numTensors: 93 },
    });
    expect(result.f1MinusReference as number).toBeCloseTo(-0.0003, 10);
  });

  it("reads examples/conll2003-accelerate's last epoch from its metrics.jsonl", () => {
    const out = join(dir, 'accelerate-out');
    mkdirSync(out);
    const epoch = (n: number, f1: number) =>
      JSON.stringify({
        epoch: n,
        precision: 0.3,
        recall: 0.35,
        f1,
        accuracy: 0.8,
        results: {},
        seconds: 2.5,
      });
    writeFileSync(join(out, 'metrics.jsonl'), `${epoch(0, 0.2)}\n${epoch(1, 0.297)}\n`);
    const log = join(dir, 'accelerate.out');
    writeFileSync(log, '[@ner/models] TensorFlow.js backend: cuda (forced by NER_BACKEND)\ndone in 7.2 s\n');
    const run = spawnSync('python3', [report, 'accelerate-result', log, out], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      eval_f1: 0.297,
      eval_precision: 0.3,
      backend: 'cuda',
      wallSeconds: 7.2,
      epochs: [
        { epoch: 0, f1: 0.2, seconds: 2.5 },
        { epoch: 1, f1: 0.297, seconds: 2.5 },
      ],
    });
  });

  it("sets the bert step's GPU busy share, ours and torch's per precision, among the targets", () => {
    const profile = (shareOfStep: number) => ({ kernelMs: 30 * shareOfStep, shareOfStep });
    const targets = bertStepTargets('report', {
      ratios: { fp32: 0.8, bf16: 0.55 },
      cuda: {
        fp32: { fallbacksPerStep: 0, gpuProfile: profile(0.93) },
        bf16: { fallbacksPerStep: 0, gpuProfile: { failed: 'no timers' } },
      },
      torch: { results: { fp32: { gpuProfile: profile(0.97) }, bf16: { gpuProfile: profile(0.9) } } },
    });
    expect(targets).toMatchObject({
      bertStepRatios: { fp32: 0.8, bf16: 0.55 },
      'bertStepAtLeast0.5x': true,
      bertStepFallbacksPerStep: 0,
      bertStepGpuBusyShare: { fp32: { cuda: 0.93, torch: 0.97 }, bf16: { cuda: null, torch: 0.9 } },
    });
  });

  it("sets the step's peak device memory next to torch's, per precision, among the targets", () => {
    const GiB = 2 ** 30;
    const targets = bertStepTargets('memory', {
      cuda: { fp32: { stepPeakBytes: 7 * GiB }, tf32: { stepPeakBytes: 6 * GiB } },
      torch: { results: { fp32: { maxMemoryBytes: 5 * GiB }, tf32: {} } },
    });
    expect(targets.bertStepPeakMemory).toEqual({
      fp32: { cuda: 7 * GiB, torch: 5 * GiB, ratio: 1.4 },
      tf32: { cuda: 6 * GiB, torch: null, ratio: null },
    });
    expect(bertStepTargets('memory-none', {}).bertStepPeakMemory).toBeNull();
  });

  it("names what stands between the bert step and torch's, per precision, among the targets", () => {
    // As countersDelta gives them: what did not change (no synchronize here) is left out.
    const counters = { launches: 623, gemms: 365, downloads: 2 };
    const ours = (msPerStep: number, issueMsPerStep: number, kernelMs: number) => ({
      msPerStep,
      issueMsPerStep,
      fallbacksPerStep: 0,
      deviceCountersPerStep: counters,
      gpuProfile: { kernelMs, shareOfStep: kernelMs / msPerStep },
    });
    const targets = bertStepTargets('report-gap', {
      cuda: {
        fp32: ours(100, 20, 95), // the GPU is busy: bound by it
        bf16: ours(25, 22, 14), // issuing takes most of the step: bound by the host
        tf32: ours(50, 20, 30), // neither: the step waits
        fp16: ours(40, 36, 35), // both busy: balanced
        broken: { failed: 'out of memory' },
      },
      torch: {
        results: {
          fp32: { msPerStep: 90, cudaKernelsPerStep: 1400, gpuProfile: { kernelMs: 85 } },
          bf16: { msPerStep: 15, cudaKernelsPerStep: 1500, gpuProfile: { kernelMs: 12 } },
        },
      },
    }) as { bertStepGap: Record<string, unknown> };
    expect(Object.keys(targets.bertStepGap).sort()).toEqual(['bf16', 'fp16', 'fp32', 'tf32']);
    expect(targets.bertStepGap.fp32).toEqual({
      cudaMsPerStep: 100,
      torchMsPerStep: 90,
      cudaHostIssueMs: 20,
      cudaGpuKernelMs: 95,
      torchGpuKernelMs: 85,
      cudaLaunchesPerStep: 623,
      cudaGemmsPerStep: 365,
      cudaSyncsPerStep: 0,
      cudaDownloadsPerStep: 2,
      torchKernelsPerStep: 1400,
      fallbacksPerStep: 0,
      boundBy: 'gpu',
    });
    expect(targets.bertStepGap.bf16).toMatchObject({
      boundBy: 'host',
      cudaHostIssueMs: 22,
      torchMsPerStep: 15,
    });
    expect(targets.bertStepGap.tf32).toMatchObject({ boundBy: 'neither', torchMsPerStep: null });
    expect(targets.bertStepGap.fp16).toMatchObject({ boundBy: 'both' });
  });
});

describe.runIf(havePython)('report.py finish: the NVRTC kernels target', () => {
  const kernels = (kernelSource: string | undefined, failed = 0) => ({
    passed: 222 - failed,
    failed,
    errors: 0,
    status: { available: true, device: kernelSource ? { kernelSource } : undefined },
  });
  it('holds when every case passed on kernels that NVRTC compiled', () => {
    const targets = stepTargets('nvrtc-ok', 'kernels-nvrtc', kernels('nvrtc'));
    expect(targets).toMatchObject({ nvrtcKernelSource: 'nvrtc', 'nvrtcKernelsWithin1e-5': true });
  });
  it('fails when a case failed, or when the kernels came from the fatbin after all', () => {
    expect(stepTargets('nvrtc-failed', 'kernels-nvrtc', kernels('nvrtc', 1))['nvrtcKernelsWithin1e-5']).toBe(
      false,
    );
    expect(stepTargets('nvrtc-fatbin', 'kernels-nvrtc', kernels('fatbin'))).toMatchObject({
      nvrtcKernelSource: 'fatbin',
      'nvrtcKernelsWithin1e-5': false,
    });
  });
  it('is null when the step did not run', () => {
    expect(stepTargets('nvrtc-none', 'kernels', {})['nvrtcKernelsWithin1e-5']).toBeNull();
  });
});

describe.runIf(havePython)('report.py finish: the training-parity target', () => {
  it('holds when every case passed, fails on a failed case', () => {
    expect(stepTargets('parity-ok', 'train-parity', { passed: 3, failed: 0, cases: {} }).trainParity).toBe(
      true,
    );
    expect(
      stepTargets('parity-failed', 'train-parity', { passed: 2, failed: 1, cases: {} }).trainParity,
    ).toBe(false);
  });
  it('is null when the step was skipped or did not run', () => {
    expect(
      stepTargets('parity-skipped', 'train-parity', { passed: 0, failed: 0, skippedReason: 'no GPU' })
        .trainParity,
    ).toBeNull();
    expect(stepTargets('parity-none', 'kernels', {}).trainParity).toBeNull();
  });
});

/** What the merge tests read of a merged report. */
interface MergedReport {
  steps: Record<string, { status: string; run: number }>;
  targets: Record<string, unknown>;
  runs: { git: unknown; steps: string[] }[];
  git: unknown;
  seconds: number;
  devicesDiffer: boolean;
  errors: string[];
  NOT_A_GPU_RESULT?: string;
}

describe.runIf(havePython)('report.py merge: a first run and a rerun of some steps as one report', () => {
  const reportOf = (name: string, fields: Record<string, unknown>) => {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ schema: 'ner-gpu-check/1', issue: 15, ...fields }));
    return file;
  };
  const first = () =>
    reportOf('run-1', {
      date: '2026-12-07T10:00:00+00:00',
      git: { commit: 'aaa' },
      device: { gpu: 'NVIDIA H100 80GB HBM3' },
      seconds: 480,
      errors: ['payload manifest unreadable'],
      steps: {
        probe: { status: 'ok', results: { available: true } },
        kernels: { status: 'failed', results: { passed: 300, failed: 2, errors: 0 } },
        oracle: { status: 'ok', results: { passed: 5, failed: 0 } },
        trainer: { status: 'ok', results: { eval_f1: 0.73, reference: { eval_f1: 0.736 } } },
      },
    });
  const merge = (files: string[]) => {
    const out = join(dir, `merged-${files.length}.json`);
    const run = spawnSync('python3', [report, 'merge', ...files, '--out', out], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(readFileSync(out, 'utf8')) as MergedReport;
  };

  it('takes each step from the last run that ran it and reads the verdicts again off the merged steps', () => {
    const second = reportOf('run-2', {
      date: '2026-12-07T10:12:00+00:00',
      git: { commit: 'bbb' },
      device: { gpu: 'NVIDIA H100 80GB HBM3' },
      seconds: 150,
      steps: {
        probe: { status: 'ok', results: { available: true } },
        kernels: { status: 'ok', results: { passed: 302, failed: 0, errors: 0 } },
        // Out of budget in the rerun: the first run's result stands.
        trainer: { status: 'skipped', results: null, error: 'not run: 3s were left' },
      },
    });
    const merged = merge([first(), second]);
    expect(merged.steps.kernels).toMatchObject({ status: 'ok', run: 2 });
    expect(merged.steps.oracle).toMatchObject({ status: 'ok', run: 1 });
    expect(merged.steps.trainer).toMatchObject({ status: 'ok', run: 1 });
    expect(merged.targets).toMatchObject({
      'kernelsWithin1e-5': true,
      'oracleWithin1e-4': true,
      trainerF1: 0.73,
    });
    expect(merged.runs.map((r) => [r.git, r.steps])).toEqual([
      [{ commit: 'aaa' }, ['oracle', 'trainer']],
      [{ commit: 'bbb' }, ['probe', 'kernels']],
    ]);
    expect(merged).toMatchObject({ git: { commit: 'bbb' }, seconds: 630, devicesDiffer: false });
    expect(merged.errors).toEqual(['run 1: payload manifest unreadable']);
    expect(merged.NOT_A_GPU_RESULT).toBeUndefined();
  });

  it('says when the runs had different GPUs, and keeps a rehearsal marked as not a GPU result', () => {
    const second = reportOf('run-2b', {
      device: { gpu: 'NVIDIA H200' },
      NOT_A_GPU_RESULT: 'FakeCudaDevice',
      steps: { kernels: { status: 'failed', results: { passed: 301, failed: 1, errors: 0 } } },
    });
    const merged = merge([first(), second]);
    expect(merged.devicesDiffer).toBe(true);
    expect(merged.NOT_A_GPU_RESULT).toBe('FakeCudaDevice');
    expect(merged.targets['kernelsWithin1e-5']).toBe(false);
  });
});
