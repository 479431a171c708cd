#!/usr/bin/env node
// Device-level check for a GPU machine: runs every KERNEL_ABI kernel (several op codes each,
// broadcasting, odd sizes), products through cuBLASLt (transposes, batches, bias, relu, TF32,
// bf16 operands with fp32 accumulation)
// and the copy paths on the real device and on the FakeCudaDevice (the JS reference of every
// kernel), and compares. Also times bert-base-sized products. Needs the package built
// (`pnpm --filter @ner/tfjs-backend-cuda build`). Writes one JSON report to stdout and, when
// $OUT is set, to $OUT/cuda-native-check.json. Exits 0 when no GPU is found (the report says
// why), 1 when any comparison fails.
//   node scripts/gpu-kernel-check.mjs [--no-timing] [--json <file>]    (NER_CUDA_CHECK_DRY_RUN=1: without a GPU)
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { probeCuda } from '../dist/addon.js';
import { FakeCudaDevice } from '../dist/index.js';
import { elementwiseChecks } from './kernel-check/elementwise.mjs';
import { fusedChecks } from './kernel-check/fused.mjs';
import { kernelCheckHarness } from './kernel-check/harness.mjs';
import { layoutChecks } from './kernel-check/layout.mjs';
import { optimChecks } from './kernel-check/optim.mjs';
import { productChecks } from './kernel-check/products.mjs';
import { randomChecks } from './kernel-check/random.mjs';
import { rowChecks } from './kernel-check/rows.mjs';

const report = { startedAt: new Date().toISOString(), checks: [], failures: 0 };
function finish(code) {
  report.finishedAt = new Date().toISOString();
  const text = JSON.stringify(report, null, 2);
  console.log(text);
  if (process.env.OUT) {
    mkdirSync(process.env.OUT, { recursive: true });
    writeFileSync(join(process.env.OUT, 'cuda-native-check.json'), text);
  }
  // --json <file>: also there (tools/gpu-check runs this as its device-kernels step).
  const jsonAt = process.argv.indexOf('--json');
  if (jsonAt > 0 && process.argv[jsonAt + 1]) writeFileSync(process.argv[jsonAt + 1], text);
  process.exit(code);
}

// Without a GPU: NER_CUDA_CHECK_DRY_RUN=1 compares a second fake device (a rehearsal of this
// script: every check should pass); NER_CUDA_CHECK_EMULATOR=<emu.node> runs the src/cu kernels
// compiled as host C++ (test/native/emu) on the fake device's memory, one thread per launch, and,
// when that emulator was built with OpenBLAS, the products on its sgemm.
const emulatorPath = process.env.NER_CUDA_CHECK_EMULATOR;
const dryRun = Boolean(process.env.NER_CUDA_CHECK_DRY_RUN) || Boolean(emulatorPath);

// The emulator's launches are sequential (one thread, one block) unless
// NER_CUDA_CHECK_EMULATOR_THREADS=1: then blocks of host threads (see build-emulator.ts).
const emulatorThreads = Boolean(process.env.NER_CUDA_CHECK_EMULATOR_THREADS);
function emulatedDevice(emu) {
  return new FakeCudaDevice({
    capacityBytes: 1 << 30,
    runKernel: emulatorThreads ? emu.runKernelThreaded : emu.runKernel,
    // An emulator built with OpenBLAS (emu_gemm.h) runs the products too, checked against the JS loop.
    runGemm: emu.runGemm,
  });
}

const probe = emulatorPath
  ? { available: true, device: emulatedDevice(createRequire(import.meta.url)(emulatorPath)) }
  : dryRun
    ? { available: true, device: new FakeCudaDevice({ capacityBytes: 1 << 30 }) }
    : probeCuda();
report.available = probe.available;
if (!probe.available) {
  report.reason = probe.reason;
  finish(0);
}
const gpu = probe.device;
report.device = gpu.info();
const fake = new FakeCudaDevice({ capacityBytes: 1 << 30 });
const h = kernelCheckHarness({ gpu, fake, report, dryRun });
const { randF, compare } = h;
for (const checks of [
  elementwiseChecks,
  rowChecks,
  layoutChecks,
  randomChecks,
  fusedChecks,
  optimChecks,
  productChecks,
]) {
  checks(h);
}
const base = { batch: 1, strideA: 0, strideB: 0, strideC: 0, alpha: 1, beta: 0, activation: 'none' };

// Copies: fill32, copy, downloadAsync.
try {
  const src = randF(1 << 20);
  const a = gpu.malloc(src.byteLength);
  const b = gpu.malloc(src.byteLength);
  gpu.upload(a, src);
  gpu.copy(b, a, src.byteLength);
  const back = new Float32Array(src.length);
  await gpu.downloadAsync(back, b);
  compare('upload/copy/downloadAsync 4 MiB', back, src, 0, 0);
  gpu.fill32(a, 0x3fc00000, 1000);
  const filled = new Float32Array(1000);
  gpu.download(filled, a);
  compare('fill32', filled, new Float32Array(1000).fill(1.5), 0, 0);
  gpu.free(a);
  gpu.free(b);
  report.memGetInfo = gpu.memGetInfo();
} catch (error) {
  report.failures += 1;
  report.checks.push({ name: 'copies', ok: false, error: String(error?.message ?? error) });
}

// An error names the call: a launch with a block of 2048 threads is invalid (GPU only).
if (!dryRun)
  try {
    const p = gpu.malloc(16);
    gpu.launch('ner_range_f32', [1, 1, 1], [2048, 1, 1], 0, [{ ptr: p }, { i32: 4 }, { f32: 0 }, { f32: 1 }]);
    report.checks.push({ name: 'launch error names the call', ok: false, error: 'no error thrown' });
    report.failures += 1;
  } catch (error) {
    const message = String(error?.message ?? error);
    const ok = /^cuLaunchKernel\(ner_range_f32\): CUDA_ERROR_/.test(message);
    report.checks.push({ name: 'launch error names the call', ok, message });
    if (!ok) report.failures += 1;
  }

// bert-base products: TFLOP/s (compare with torch.matmul in the same run elsewhere).
if (!process.argv.includes('--no-timing')) {
  report.gemmTiming = [];
  for (const [m, n, k] of [
    [4096, 768, 768],
    [4096, 3072, 768],
    [4096, 768, 3072],
    [768, 768, 4096],
  ]) {
    for (const [tf32, bf16] of [
      [false, false],
      [true, false],
      [false, true],
    ]) {
      // bf16: the product alone on bf16 operands (the autocast cast kernels are not timed here).
      const a = gpu.malloc(m * k * 4);
      const b = gpu.malloc(k * n * 4);
      const c = gpu.malloc(m * n * 4);
      const g = {
        ...base,
        a,
        b,
        c,
        m,
        n,
        k,
        transA: false,
        transB: false,
        lda: k,
        ldb: n,
        ldc: n,
        tf32,
        bf16,
      };
      for (let i = 0; i < 5; i++) gpu.gemm(g);
      gpu.synchronize();
      const reps = 50;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < reps; i++) gpu.gemm(g);
      gpu.synchronize();
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      report.gemmTiming.push({
        m,
        n,
        k,
        tf32,
        bf16,
        msPerProduct: (seconds / reps) * 1e3,
        tflops: (2 * m * n * k * reps) / seconds / 1e12,
      });
      for (const p of [a, b, c]) gpu.free(p);
    }
  }
}
report.passed = report.checks.filter((c) => c.ok).length;
gpu.close();
finish(report.failures ? 1 : 0);
