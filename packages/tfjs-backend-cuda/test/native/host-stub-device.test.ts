// The addon's device end to end on stand-ins for the driver and cuBLASLt that work on host
// memory (fixtures/stub-host-cuda.c): opening, info, copies, launch argument checks, errors with
// the call's name, close, and above all GEMM: the row-major GemmDesc mapped onto cuBLASLt's
// column-major contract (operands swapped, transposes, leading dimensions, batch strides, bias
// and relu epilogues) and compared with a row-major reference. Runs without a GPU.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDON_PATH } from '../../src/addon.js';
import { KERNEL_ABI } from '../../src/kernel-abi.js';
import { isHeuristicRefusal } from '../../src/kernels/gemm-epilogues.js';
import { buildHostStubs } from './host-stubs.js';

const haveCompiler = spawnSync('cc', ['--version']).status === 0;
const fixtures = join(import.meta.dirname, 'fixtures');

/** Runs fixtures/host-stub-child.cjs on the stand-ins in `dir`; returns its report. */
function runChild(dir: string, env: Record<string, string> = {}): Record<string, unknown> {
  const run = spawnSync(
    process.execPath,
    [
      join(fixtures, 'host-stub-child.cjs'),
      ADDON_PATH,
      JSON.stringify(Object.entries(KERNEL_ABI).map(([name, spec]) => [name, spec.params])),
      join(dir, 'libcuda.so.1'),
    ],
    {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NER_CUDA_LIB_DIR: dir, ...env },
    },
  );
  if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** A real libcublasLt.so.* in NER_TEST_CUDA_LIBS_DIR (CI fetches Debian's), or null. */
function realCublasLt(): string | null {
  const dir = process.env.NER_TEST_CUDA_LIBS_DIR;
  const name =
    dir && existsSync(dir) ? readdirSync(dir).find((f) => /^libcublasLt\.so\.\d+$/.test(f)) : undefined;
  return dir && name ? join(dir, name) : null;
}

describe.runIf(existsSync(ADDON_PATH) && haveCompiler)('the addon on host-memory stand-ins', () => {
  let dir = '';
  let report: Record<string, unknown> = {};
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ner-cuda-hoststub-'));
    buildHostStubs(dir);
    report = runChild(dir);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('with STUB_DEVICE_MEMORY_BYTES is a device of that size (the memory benches limit it)', () => {
    // 33 MiB: the addon's 32 MiB cuBLASLt workspace, then room for one 600 KiB block, not two.
    const limit = 33 * 1024 * 1024;
    const limited = runChild(dir, { STUB_DEVICE_MEMORY_BYTES: String(limit) });
    expect(limited.info).toMatchObject({ totalMemoryBytes: limit });
    expect(limited.memory).toEqual({
      first: 'bigint',
      second: expect.stringMatching(/cuMemAlloc/),
      free: limit - 32 * 1024 * 1024 - 600 * 1024,
      third: 'bigint',
    });
  });

  it('opens the device and reports it', () => {
    expect(report.openError).toBeUndefined();
    expect(report.info).toMatchObject({
      name: 'Stub GPU (host memory)',
      major: 9,
      minor: 0,
      multiprocessors: 132,
      driverVersion: 13000,
      kernelSource: 'fatbin',
      libraries: { cuda: join(dir, 'libcuda.so.1'), cublasLt: join(dir, 'libcublasLt.so.13') },
    });
  });

  it('maps every GEMM variant onto column-major cuBLASLt correctly', () => {
    const gemm = report.gemm as [string, number][];
    expect(gemm).toHaveLength(12);
    for (const [label, worst] of gemm) expect(worst, label).toBeLessThan(1e-5);
  });

  it("reports cuBLASLt's missing algorithm for an epilogue in the words matMul retries on", () => {
    const message = report.refusedEpilogue as string;
    expect(message).toBe(
      'cublasLtMatmulAlgoGetHeuristic(m=3 n=2 k=9 batch=1): no algorithm for this product',
    );
    expect(isHeuristicRefusal(new Error(message))).toBe(true);
  });

  it('fills, copies back synchronously and asynchronously, and reports memory', () => {
    expect(report.fill32).toEqual(new Array(16).fill(1.5));
    expect(report.downloadAsync).toEqual([1.5, 1.5]);
    expect(report.memGetInfo).toEqual([79 * 2 ** 30, 80 * 2 ** 30]);
  });

  it("times the work between a timer's marks with timing events, and frees each timer once read", () => {
    // The stub's "GPU time" is 0.5 ms per launch between two events (and an error for events
    // made with CU_EVENT_DISABLE_TIMING or never recorded, as the driver's).
    expect(report.timers).toEqual({
      ids: [1, 2, 3],
      inner: 1,
      outer: 1.5,
      empty: 0,
      readTwice: 'readTimer: no timer 2 was started',
      stopUnknown: 'stopTimer: no timer 12345 was started',
      badId: 'stopTimer(id): expected a timer id from startTimer',
      readUnstopped: 'readTimer: timer 4 was not stopped',
      stopTwice: 'stopTimer: timer 4 was already stopped',
    });
  });

  it('names the kernel and the CUDA error when a launch fails', () => {
    expect(report.badLaunch).toBe('cuLaunchKernel(ner_range_f32): CUDA_ERROR_STUB');
  });

  it('refuses an argument buffer that does not match the kernel', () => {
    expect(report.shortArgs).toBe('launch(ner_range_f32): 24 argument bytes, expected 32');
  });

  it('throws after close', () => {
    expect(report.afterClose).toBe('the CUDA device is closed');
  });

  // The stand-in cuBLASLt builds every descriptor, layout and preference a second time on the real
  // library, which needs no GPU for that and refuses a wrong attribute id or payload size.
  it.runIf(realCublasLt())(
    'sets only attributes and payload sizes a real cuBLASLt accepts, for every GEMM variant',
    () => {
      const log = join(dir, 'real-cublaslt.log');
      const checked = runChild(dir, {
        STUB_REAL_CUBLASLT: realCublasLt() as string,
        STUB_REAL_CUBLASLT_LOG: log,
      });
      expect(checked.openError).toBeUndefined();
      expect(checked.gemm).toEqual(report.gemm);
      const calls = readFileSync(log, 'utf8').trim().split('\n');
      const refused = calls.filter((line) => !line.endsWith(' 0'));
      expect(refused).toEqual([]);
      // What was asked of the real library: each create, and each attribute with its size.
      const asked = new Set(calls.map((line) => line.split(' ').slice(0, 3).join(' ')));
      expect([...asked].sort()).toEqual(
        [
          'descCreate -1 0',
          'descSet 3 4', // TRANSA, cublasOperation_t
          'descSet 4 4', // TRANSB
          'descSet 7 4', // EPILOGUE, uint32_t
          'descSet 8 8', // BIAS_POINTER
          'layoutCreate -1 0',
          'layoutSet 5 4', // BATCH_COUNT, int32_t
          'layoutSet 6 8', // STRIDED_BATCH_OFFSET, int64_t
          'prefCreate -1 0',
          'prefSet 1 8', // MAX_WORKSPACE_BYTES, uint64_t
          'prefSet 5 4', // MIN_ALIGNMENT_A_BYTES, uint32_t
          'prefSet 6 4',
          'prefSet 7 4',
          'prefSet 8 4',
        ].sort(),
      );
    },
  );
});
