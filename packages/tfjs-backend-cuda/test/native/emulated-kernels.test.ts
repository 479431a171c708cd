// The CUDA kernels' arithmetic and indexing, checked without a GPU: src/cu compiled as host C++
// (emu/cuda_emu.h, one thread per block) runs every case of scripts/gpu-kernel-check.mjs on the
// fake device's memory, against the fake device's JS kernels. Warp shuffles, multi-thread block
// reductions and atomics under contention are not exercised here: they need a GPU.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@ner/test-support';
import { FakeCudaDevice } from '../../src/fake/fake-device.js';
import { buildEmulator, emulatedGemm } from './emu/build-emulator.js';

const root = join(import.meta.dirname, '..', '..');
const built = existsSync(join(root, 'dist', 'index.js')) && existsSync(join(root, 'dist', 'addon.js'));
const dir = mkdtempSync(join(tmpdir(), 'ner-cuda-emu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCheck(env: Record<string, string>, build: { blas?: boolean } = {}): void {
  const { path, reason } = buildEmulator(dir, build);
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

  it("and with the emulator's OpenBLAS products (emu_gemm.h) on every product variant", () => {
    runCheck({}, { blas: true });
  }, 120_000);
});

describe("the emulator's OpenBLAS runGemm", () => {
  interface Case {
    m: number;
    n: number;
    k: number;
    transA: boolean;
    transB: boolean;
    batch: number;
    /** Elements added to every leading dimension. */
    padding: number;
    bias: boolean;
    activation: 'none' | 'relu';
    bf16: boolean;
  }
  const plain = {
    transA: false,
    transB: false,
    batch: 1,
    padding: 0,
    bias: false,
    activation: 'none' as const,
    bf16: false,
  };
  const cases: Case[] = [
    { ...plain, m: 7, n: 5, k: 300 },
    { ...plain, m: 6, n: 9, k: 257, transA: true, transB: true, batch: 3, bias: true, activation: 'relu' },
    { ...plain, m: 4, n: 3, k: 64, transB: true, batch: 2, padding: 3, bf16: true },
    { ...plain, m: 5, n: 4, k: 0, bias: true },
  ];

  /** C of one product of `c` on `device`, from the host values `a`, `b`, `c0`, `bias` (bf16: their high halves). */
  function product(device: FakeCudaDevice, c: Case, host: Record<'a' | 'b' | 'c0' | 'bias', Float32Array>) {
    const lda = (c.transA ? c.m : c.k) + c.padding;
    const ldb = (c.transB ? c.k : c.n) + c.padding;
    const ldc = c.n + c.padding;
    const upload = (values: Float32Array, bf16: boolean) => {
      const ptr = device.malloc(Math.max(values.length, 1) * (bf16 ? 2 : 4));
      if (values.length === 0) return ptr;
      device.upload(
        ptr,
        bf16 ? new Uint16Array(new Uint32Array(values.buffer).map((w) => w >>> 16)) : values,
      );
      return ptr;
    };
    const out = upload(host.c0, false);
    device.gemm({
      a: upload(host.a, c.bf16),
      b: upload(host.b, c.bf16),
      c: out,
      m: c.m,
      n: c.n,
      k: c.k,
      transA: c.transA,
      transB: c.transB,
      lda,
      ldb,
      ldc,
      batch: c.batch,
      strideA: (c.transA ? c.k : c.m) * lda,
      strideB: (c.transB ? c.n : c.k) * ldb,
      strideC: c.m * ldc,
      alpha: 0.75,
      beta: 0.5,
      bias: c.bias ? upload(host.bias, false) : undefined,
      activation: c.activation,
      tf32: false,
      bf16: c.bf16,
    });
    const values = new Float32Array(host.c0.length);
    device.download(values, out);
    return values;
  }

  it("matches the fake device's float64 loop: transposes, padded leading dimensions, batches, bias, relu, bf16", () => {
    const { path, reason } = buildEmulator(dir, { blas: true });
    if (!path) {
      expect(process.env.CI, `CI has g++, Node headers and OpenBLAS: ${reason}`).toBeFalsy();
      console.log(`skipped: ${reason}`);
      return;
    }
    const loop = new FakeCudaDevice({ capacityBytes: 1 << 24 });
    const blas = new FakeCudaDevice({ capacityBytes: 1 << 24, runGemm: emulatedGemm(path) });
    const random = mulberry32(5);
    const values = (count: number) => Float32Array.from({ length: count }, () => random() * 2 - 1);
    let bitsDiffer = false;
    for (const c of cases) {
      const rowsA = c.transA ? c.k : c.m;
      const rowsB = c.transB ? c.n : c.k;
      const host = {
        a: values(c.batch * rowsA * ((c.transA ? c.m : c.k) + c.padding)),
        b: values(c.batch * rowsB * ((c.transB ? c.k : c.n) + c.padding)),
        c0: values(c.batch * c.m * (c.n + c.padding)),
        bias: values(c.n),
      };
      const expected = product(loop, c, host);
      const actual = product(blas, c, host);
      expect(relativeL2(actual, expected), JSON.stringify(c)).toBeLessThan(1e-6);
      if (actual.some((v, i) => v !== expected[i])) bitsDiffer = true;
    }
    // float32 sums against float64 ones: somewhere they round apart, so OpenBLAS really ran.
    expect(bitsDiffer).toBe(true);
  });
});

/** ||a - b|| / ||b||. */
function relativeL2(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let norm = 0;
  b.forEach((v, i) => {
    diff += (a[i]! - v) ** 2;
    norm += v ** 2;
  });
  return Math.sqrt(diff / norm);
}

it.runIf(!built && !process.env.CI)('needs dist/ built', () => {
  console.log('skipped: dist/ not built (pnpm --filter @ner/tfjs-backend-cuda build)');
});
