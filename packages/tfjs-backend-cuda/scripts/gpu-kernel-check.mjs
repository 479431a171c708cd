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
import {
  ADAMW_SLOT,
  ADAMW_SLOT_BYTES,
  BINARY_OP,
  COMPARE_OP,
  denseLeadingDims,
  FakeCudaDevice,
  REDUCE_OP,
  SUM_SQUARES_SLOT,
  SUM_SQUARES_SLOT_BYTES,
  UNARY_OP,
} from '../dist/index.js';

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

// Deterministic inputs (mulberry32).
let seed = 12345;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const randF = (n, lo = -3, hi = 3) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
const randI = (n, lo, hi) => Int32Array.from({ length: n }, () => lo + Math.floor((hi - lo + 1) * rand()));
function dims(rank, a = [], b = [], c = [], d = []) {
  const out = new Int32Array(25);
  out[0] = rank;
  [a, b, c, d].forEach((arr, k) => {
    arr.forEach((v, i) => {
      out[1 + 6 * k + i] = v;
    });
  });
  return out;
}
const grid1d = (n) => [Math.max(1, Math.min(1024, Math.ceil(n / 256))), 1, 1];

/**
 * Runs one case on a device: `buffers` maps names to typed arrays (inputs), to
 * {f32|i32: length, fill?} (outputs), or to {table: (ptrs) => bytes} (a table of the other
 * buffers' device addresses, made once they have one); args use {buf: name} for pointers.
 */
function runOn(device, c) {
  const ptrs = {};
  const tables = Object.entries(c.buffers).filter(([, spec]) => typeof spec.table === 'function');
  for (const [name, spec] of Object.entries(c.buffers)) {
    if (typeof spec.table === 'function') continue;
    if (ArrayBuffer.isView(spec)) {
      ptrs[name] = device.malloc(Math.max(4, spec.byteLength));
      device.upload(ptrs[name], spec);
    } else {
      const len = spec.f32 ?? spec.i32;
      ptrs[name] = device.malloc(Math.max(4, len * 4));
      device.fill32(ptrs[name], spec.fill ?? 0, Math.max(1, len));
    }
  }
  for (const [name, spec] of tables) {
    const bytes = spec.table(ptrs);
    ptrs[name] = device.malloc(Math.max(4, bytes.byteLength));
    device.upload(ptrs[name], bytes);
  }
  const args = c.args.map((a) => ('buf' in a ? { ptr: ptrs[a.buf] } : a));
  device.launch(c.kernel, c.grid, c.block ?? [256, 1, 1], 0, args);
  device.synchronize();
  const outputs = {};
  for (const name of c.outputs) {
    const spec = c.buffers[name];
    const len = ArrayBuffer.isView(spec) ? spec.length : (spec.f32 ?? spec.i32);
    const isInt = ArrayBuffer.isView(spec) ? spec instanceof Int32Array : spec.i32 !== undefined;
    const out = isInt ? new Int32Array(len) : new Float32Array(len);
    if (len) device.download(out, ptrs[name]);
    outputs[name] = out;
  }
  for (const p of Object.values(ptrs)) device.free(p);
  return outputs;
}

function compare(name, got, want, rtol, atol) {
  let worst = 0;
  let where = -1;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (g === w) continue;
    const err = Math.abs(g - w) / (atol + rtol * Math.abs(w));
    if (!(err <= worst)) {
      worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
      where = i;
    }
  }
  const ok = worst <= 1;
  const entry = { name, ok, elements: want.length };
  if (!ok) {
    entry.worstIndex = where;
    entry.got = got[where];
    entry.want = want[where];
    report.failures += 1;
  }
  report.checks.push(entry);
}

/** Kernel arguments that point at the named buffers of a case, in order. */
function bufs(...names) {
  return names.map((buf) => ({ buf }));
}

function check(c, rtol = 1e-5, atol = 1e-6) {
  try {
    const want = runOn(fake, c);
    const got = runOn(gpu, c);
    for (const name of c.outputs) {
      // Outputs that are long float32 sums may carry a looser [rtol, atol] of their own.
      const [r, a] = c.tolerances?.[name] ?? [rtol, atol];
      compare(`${c.label ?? c.kernel}:${name}`, got[name], want[name], r, a);
    }
  } catch (error) {
    report.failures += 1;
    report.checks.push({ name: c.label ?? c.kernel, ok: false, error: String(error?.message ?? error) });
  }
}

const N = 10007;
/** Random values with the edge cases mixed in: exact halves (round), zeros, infinities, NaN. */
function unaryInput() {
  const x = randF(N);
  for (let i = 0; i < N; i += 7) x[i] = Math.round(x[i]) + 0.5;
  x.set([0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 1e-4, -1e-4, 30, -30], 1);
  return x;
}
for (const [op, code] of Object.entries(UNARY_OP)) {
  check(
    {
      label: `ner_unary_f32 ${op}`,
      kernel: 'ner_unary_f32',
      buffers: { x: unaryInput(), y: { f32: N } },
      args: [...bufs('x', 'y'), { i32: N }, { i32: code }, { f32: 0.7 }],
      grid: grid1d(N),
      outputs: ['y'],
    },
    2e-6,
    1e-6,
  );
}
// Output [7, 33]; a is [7, 33], b broadcasts a row [1, 33].
const bd = dims(2, [7, 33], [33, 1], [0, 1]);
for (const [op, code] of Object.entries(BINARY_OP)) {
  check({
    label: `ner_binary_f32 ${op}`,
    kernel: 'ner_binary_f32',
    buffers: { a: randF(231), b: randF(33, 0.5, 3), y: { f32: 231 } },
    args: [...bufs('a', 'b', 'y'), { i32: 231 }, { i32: code }, { dims: bd }],
    grid: [1, 1, 1],
    outputs: ['y'],
  });
  if (!['pow', 'realDiv', 'atan2'].includes(op)) {
    check(
      {
        label: `ner_binary_i32 ${op}`,
        kernel: 'ner_binary_i32',
        buffers: { a: randI(231, -20, 20), b: randI(33, -5, 5), y: { i32: 231 } },
        args: [...bufs('a', 'b', 'y'), { i32: 231 }, { i32: code }, { dims: bd }],
        grid: [1, 1, 1],
        outputs: ['y'],
      },
      0,
      0,
    );
  }
}
for (const [op, code] of Object.entries(COMPARE_OP)) {
  for (const [kernel, a, b] of [
    ['ner_compare_f32', randF(231).map((v) => Math.round(v)), randF(33).map((v) => Math.round(v))],
    ['ner_compare_i32', randI(231, -3, 3), randI(33, -3, 3)],
  ]) {
    check(
      {
        label: `${kernel} ${op}`,
        kernel,
        buffers: { a, b, y: { i32: 231 } },
        args: [...bufs('a', 'b', 'y'), { i32: 231 }, { i32: code }, { dims: bd }],
        grid: [1, 1, 1],
        outputs: ['y'],
      },
      0,
      0,
    );
  }
}
check(
  {
    kernel: 'ner_select_f32',
    buffers: { cond: randI(7, 0, 1), a: randF(231), b: randF(33), y: { f32: 231 } },
    args: [...bufs('cond', 'a', 'b', 'y'), { i32: 231 }, { dims: dims(2, [7, 33], [1, 0], [33, 1], [0, 1]) }],
    grid: [1, 1, 1],
    outputs: ['y'],
  },
  0,
  0,
);
for (const [from, to] of [
  [0, 1],
  [0, 2],
  [1, 0],
  [1, 2],
  [2, 0],
  [0, 0],
]) {
  const x = from === 0 ? randF(999, -1e3, 1e3) : randI(999, -5, 5);
  check(
    {
      label: `ner_cast ${from}->${to}`,
      kernel: 'ner_cast',
      buffers: { x, y: to === 0 ? { f32: 999 } : { i32: 999 } },
      args: [...bufs('x', 'y'), { i32: 999 }, { i32: from }, { i32: to }],
      grid: grid1d(999),
      outputs: ['y'],
    },
    0,
    0,
  );
}
for (const [op, code] of Object.entries(REDUCE_OP)) {
  for (const block of [256, 16]) {
    check(
      {
        label: `ner_reduce_f32 ${op} block ${block}`,
        kernel: 'ner_reduce_f32',
        buffers: { x: op === 'prod' ? randF(37 * 20, 0.5, 1.5) : randF(37 * 1001), y: { f32: 37 } },
        args: [...bufs('x', 'y'), { i32: 37 }, { i32: op === 'prod' ? 20 : 1001 }, { i32: code }],
        grid: [37, 1, 1],
        block: [block, 1, 1],
        outputs: ['y'],
      },
      1e-5,
      // A float32 sum of 1001 values up to 3 may be off by ~eps * sum |x| from the float64 one.
      2e-4,
    );
    check(
      {
        label: `ner_reduce_i32 ${op} block ${block}`,
        kernel: 'ner_reduce_i32',
        buffers: { x: op === 'prod' ? randI(37 * 9, -2, 2) : randI(37 * 1001, -50, 50), y: { i32: 37 } },
        args: [...bufs('x', 'y'), { i32: 37 }, { i32: op === 'prod' ? 9 : 1001 }, { i32: code }],
        grid: [37, 1, 1],
        block: [block, 1, 1],
        outputs: ['y'],
      },
      0,
      0,
    );
  }
}
for (const isMin of [0, 1]) {
  check(
    {
      label: `ner_arg_reduce_f32 isMin=${isMin}`,
      kernel: 'ner_arg_reduce_f32',
      buffers: { x: randF(37 * 1001).map((v) => Math.round(v * 4)), y: { i32: 37 } },
      args: [...bufs('x', 'y'), { i32: 37 }, { i32: 1001 }, { i32: isMin }],
      grid: [37, 1, 1],
      outputs: ['y'],
    },
    0,
    0,
  );
}
for (const kernel of ['ner_softmax_f32', 'ner_log_softmax_f32']) {
  check(
    {
      kernel,
      buffers: { x: randF(37 * 1001, -10, 10), y: { f32: 37 * 1001 } },
      args: [...bufs('x', 'y'), { i32: 37 }, { i32: 1001 }],
      grid: [37, 1, 1],
      outputs: ['y'],
    },
    1e-5,
    1e-7,
  );
}
// Softmax's gradient: attention-sized rows of 128 and long odd rows, with y a softmax output.
for (const [rows, cols] of [
  [48, 128],
  [7, 1001],
]) {
  const logits = randF(rows * cols, -6, 6);
  const probs = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = logits.subarray(r * cols, (r + 1) * cols);
    const max = Math.max(...row);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - max);
    for (let c = 0; c < cols; c++) probs[r * cols + c] = Math.exp(row[c] - max) / sum;
  }
  check(
    {
      label: `ner_softmax_grad_f32 ${rows}x${cols}`,
      kernel: 'ner_softmax_grad_f32',
      buffers: { dy: randF(rows * cols), y: probs, dx: { f32: rows * cols } },
      args: [...bufs('dy', 'y', 'dx'), { i32: rows }, { i32: cols }],
      grid: [rows, 1, 1],
      outputs: ['dx'],
    },
    1e-5,
    1e-7,
  );
}
// [5, 7, 9] transposed by [2, 0, 1] -> [9, 5, 7]; input strides [63, 9, 1] permuted.
check(
  {
    kernel: 'ner_transpose_32',
    buffers: { x: randF(315), y: { f32: 315 } },
    args: [...bufs('x', 'y'), { i32: 315 }, { dims: dims(3, [9, 5, 7], [1, 63, 9]) }],
    grid: [1, 1, 1],
    outputs: ['y'],
  },
  0,
  0,
);
check(
  {
    kernel: 'ner_gather_32',
    buffers: { x: randF(3 * 10 * 17), idx: Int32Array.from([0, 9, 3, -1, 10, 3]), y: { f32: 3 * 6 * 17 } },
    args: [...bufs('x', 'idx', 'y'), { i32: 3 }, { i32: 6 }, { i32: 17 }, { i32: 10 }],
    grid: [2, 1, 1],
    outputs: ['y'],
  },
  0,
  0,
);
check(
  {
    kernel: 'ner_segment_sum_f32',
    buffers: { x: randF(50 * 16), seg: randI(50, -1, 7), y: { f32: 7 * 16 } },
    args: [...bufs('x', 'seg', 'y'), { i32: 50 }, { i32: 16 }, { i32: 7 }],
    grid: [4, 1, 1],
    outputs: ['y'],
  },
  1e-5,
  1e-5,
);
check(
  {
    kernel: 'ner_scatter_nd_f32',
    buffers: { idx: randI(40, 0, 5), upd: randF(80), y: { f32: 120 } },
    args: [
      ...bufs('idx', 'upd', 'y'),
      { i32: 20 },
      { i32: 2 },
      { i32: 4 },
      { i32: 120 },
      { dims: dims(2, [20, 4]) },
    ],
    grid: [1, 1, 1],
    outputs: ['y'],
  },
  1e-5,
  1e-5,
);
check(
  {
    kernel: 'ner_pad_32',
    buffers: { x: randF(12), y: { f32: 54 } },
    args: [...bufs('x', 'y'), { i32: 54 }, { u32: 0x40f00000 }, { dims: dims(2, [6, 9], [3, 4], [1, 2]) }],
    grid: [1, 1, 1],
    outputs: ['y'],
  },
  0,
  0,
);
check(
  {
    kernel: 'ner_slice_32',
    buffers: { x: randF(48), y: { f32: 9 } },
    args: [...bufs('x', 'y'), { i32: 9 }, { i32: 10 }, { dims: dims(2, [3, 3], [8, 2]) }],
    grid: [1, 1, 1],
    outputs: ['y'],
  },
  0,
  0,
);
check(
  {
    kernel: 'ner_copy_2d_32',
    buffers: { src: randF(20), dst: { f32: 39, fill: 0x3f800000 } },
    args: [...bufs('src', 'dst'), { i32: 4 }, { i32: 5 }, { i32: 5 }, { i32: 9 }, { i32: 3 }],
    grid: [1, 1, 1],
    outputs: ['dst'],
  },
  0,
  0,
);
check(
  {
    kernel: 'ner_one_hot_f32',
    buffers: { idx: Int32Array.from([0, 5, -1, 6, 2, 2, 3, 1, 4, 5]), y: { f32: 60 } },
    args: [...bufs('idx', 'y'), { i32: 10 }, { i32: 6 }, { f32: 0.9 }, { f32: 0.02 }],
    grid: [1, 1, 1],
    outputs: ['y'],
  },
  0,
  0,
);
check(
  {
    kernel: 'ner_range_f32',
    buffers: { y: { f32: 1001 } },
    args: [{ buf: 'y' }, { i32: 1001 }, { f32: -2 }, { f32: 0.25 }],
    grid: grid1d(1001),
    outputs: ['y'],
  },
  0,
  0,
);
check(
  {
    kernel: 'ner_random_uniform_f32',
    buffers: { y: { f32: 1001 } },
    args: [{ buf: 'y' }, { i32: 1001 }, { u32: 1234 }, { u32: 5678 }, { u32: 3 }, { f32: -1 }, { f32: 2 }],
    grid: [3, 1, 1],
    outputs: ['y'],
  },
  1e-6,
  1e-7,
);
// NerDropout: the uniform draw above (low 0, high 1) against rate, exact; odd n (not a multiple
// of 4), a counter offset (one crossing 2^32), x with zeros, infinities and NaN, and a rate equal
// to one of the draws (u == rate is kept).
const drawn = runOn(fake, {
  kernel: 'ner_random_uniform_f32',
  buffers: { y: { f32: 64 } },
  args: [{ buf: 'y' }, { i32: 64 }, { u32: 77 }, { u32: 0 }, { u32: 0 }, { f32: 0 }, { f32: 1 }],
  grid: [1, 1, 1],
  outputs: ['y'],
}).y;
for (const [n, rate, seedLo, seedHi, offset] of [
  [1001, 0.1, 1234, 5678, 3],
  [10007, 0.5, 7, 0, 0],
  [5, 0.9, 0xffffffff, 0x1fffff, 0xfffffffe],
  [64, 0, 42, 1, 0],
  [63, drawn[21], 77, 0, 0],
]) {
  const x = randF(n);
  x.set([0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN].slice(0, n));
  check(
    {
      label: `ner_dropout_f32 n=${n} rate=${rate}`,
      kernel: 'ner_dropout_f32',
      buffers: { x, y: { f32: n, fill: 0x7fc00000 }, mask: { f32: n, fill: 0x7fc00000 } },
      args: [
        ...bufs('x', 'y', 'mask'),
        { i32: n },
        { u32: seedLo },
        { u32: seedHi },
        { u32: offset },
        { f32: Math.fround(rate) },
        { f32: Math.fround(1 / (1 - rate)) },
      ],
      grid: [3, 1, 1],
      outputs: ['y', 'mask'],
    },
    0,
    0,
  );
}
const rows = 37;
const cols = 768;
check(
  {
    kernel: 'ner_layer_norm_f32',
    buffers: {
      x: randF(rows * cols),
      gamma: randF(cols, 0.5, 1.5),
      beta: randF(cols, -0.5, 0.5),
      y: { f32: rows * cols },
      mean: { f32: rows },
      rstd: { f32: rows },
    },
    args: [...bufs('x', 'gamma', 'beta', 'y', 'mean', 'rstd'), { i32: rows }, { i32: cols }, { f32: 1e-12 }],
    grid: [rows, 1, 1],
    outputs: ['y', 'mean', 'rstd'],
  },
  1e-5,
  1e-6,
);
/** Per-row mean and 1 / std (eps 1e-12) of a `rows x cols` matrix: LayerNorm's saved statistics. */
function layerNormStats(x, rows, cols) {
  const mean = new Float32Array(rows);
  const rstd = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += x[r * cols + c];
    const m = s / cols;
    let q = 0;
    for (let c = 0; c < cols; c++) q += (x[r * cols + c] - m) ** 2;
    mean[r] = m;
    rstd[r] = 1 / Math.sqrt(q / cols + 1e-12);
  }
  return { mean, rstd };
}
/**
 * A `ner_layer_norm_grad_f32` check: `rows x cols` random inputs with their saved statistics, on
 * `grid` blocks; `tolerances` as check() takes them per output.
 */
function layerNormGradCase(label, rows, cols, grid, tolerances) {
  const x = randF(rows * cols);
  const { mean, rstd } = layerNormStats(x, rows, cols);
  return {
    label,
    kernel: 'ner_layer_norm_grad_f32',
    buffers: {
      dy: randF(rows * cols),
      x,
      gamma: randF(cols, 0.5, 1.5),
      mean,
      rstd,
      dx: { f32: rows * cols },
      dgamma: { f32: cols },
      dbeta: { f32: cols },
    },
    args: [
      ...bufs('dy', 'x', 'gamma', 'mean', 'rstd', 'dx', 'dgamma', 'dbeta'),
      { i32: rows },
      { i32: cols },
    ],
    grid: [grid, 1, 1],
    outputs: ['dx', 'dgamma', 'dbeta'],
    ...(tolerances ? { tolerances } : {}),
  };
}
// The geometry the backend launches for a large batch (LAYER_NORM_GRAD_MAX_BLOCKS blocks striding
// over more rows): several rows per block, and every block's atomics on the same columns. dgamma /
// dbeta sum 2,500 float32 terms of up to ~9 in another order than the float64 reference: off by up
// to ~2,500 * 2^-23 * 9 = 2.7e-3, and a sum near 0 has no relative room.
check(
  layerNormGradCase('ner_layer_norm_grad_f32 2500 rows, grid 1024', 2500, 64, 1024, {
    dgamma: [1e-4, 3e-3],
    dbeta: [1e-4, 3e-3],
  }),
  1e-4,
  1e-5,
);
for (const grid of [rows, 5])
  check(layerNormGradCase(`ner_layer_norm_grad_f32 grid ${grid}`, rows, cols, grid), 1e-4, 1e-5);
check(
  {
    kernel: 'ner_gelu_erf_f32',
    buffers: { x: randF(N, -6, 6), y: { f32: N } },
    args: [...bufs('x', 'y'), { i32: N }],
    grid: grid1d(N),
    outputs: ['y'],
  },
  1e-5,
  1e-6,
);
check(
  {
    kernel: 'ner_gelu_erf_grad_f32',
    buffers: { dy: randF(N), x: randF(N, -6, 6), dx: { f32: N } },
    args: [...bufs('dy', 'x', 'dx'), { i32: N }],
    grid: grid1d(N),
    outputs: ['dx'],
  },
  1e-5,
  1e-6,
);
// Without a gradient multiplier (a null pointer) and with one (the clipping coefficient).
for (const multiplier of [null, 0.37]) {
  check(
    {
      label: `ner_adamw_f32 gradMultiplier ${multiplier ?? 'none'}`,
      kernel: 'ner_adamw_f32',
      buffers: {
        p: randF(N),
        g: randF(N, -0.1, 0.1),
        m: randF(N, -0.01, 0.01),
        v: randF(N, 0, 0.001),
        po: { f32: N },
        mo: { f32: N },
        vo: { f32: N },
        c: Float32Array.of(multiplier ?? 1),
      },
      args: [
        ...bufs('p', 'g', 'm', 'v', 'po', 'mo', 'vo'),
        { i32: N },
        { f32: 0.99999 },
        { f32: 0.9 },
        { f32: 0.999 },
        { f32: 0.0447 },
        { f32: 1e-8 },
        { f32: 5e-5 },
        multiplier === null ? { ptr: 0n } : { buf: 'c' },
      ],
      grid: grid1d(N),
      outputs: ['po', 'mo', 'vo'],
    },
    1e-5,
    1e-7,
  );
}
// Three tensors in one launch, chunks of 1,000 elements: the first takes three chunks (the last
// short), the second one, the third two; in place for the second (its outputs are its inputs).
// Fewer blocks than chunks, so blocks stride over them. A gradient multiplier for all.
{
  const sizes = [2500, 7, 1001];
  const chunkSize = 1000;
  const scalars = [
    [0.99999, 0.9, 0.999, 0.0447, 1e-8, 5e-5],
    [1, 0.8, 0.99, 0.3, 1e-6, 1e-3],
    [0.9995, 0.9, 0.999, 0.0316, 1e-8, 2e-5],
  ];
  const buffers = {};
  sizes.forEach((n, t) => {
    Object.assign(buffers, {
      [`p${t}`]: randF(n),
      [`g${t}`]: randF(n, -0.1, 0.1),
      [`m${t}`]: randF(n, -0.01, 0.01),
      [`v${t}`]: randF(n, 0, 0.001),
      [`po${t}`]: { f32: n },
      [`mo${t}`]: { f32: n },
      [`vo${t}`]: { f32: n },
    });
  });
  buffers.c = Float32Array.of(0.37); // every gradient times the clipping coefficient
  const roles = (t) =>
    t === 1
      ? ['p1', 'g1', 'm1', 'v1', 'p1', 'm1', 'v1']
      : ['p', 'g', 'm', 'v', 'po', 'mo', 'vo'].map((r) => `${r}${t}`);
  buffers.slots = {
    table: (ptrs) => {
      const view = new DataView(new ArrayBuffer(sizes.length * ADAMW_SLOT_BYTES));
      let chunk = 0;
      sizes.forEach((n, t) => {
        const at = t * ADAMW_SLOT_BYTES;
        ['param', 'grad', 'm', 'v', 'paramOut', 'mOut', 'vOut'].forEach((field, k) => {
          view.setBigUint64(at + ADAMW_SLOT[field], ptrs[roles(t)[k]], true);
        });
        view.setInt32(at + ADAMW_SLOT.n, n, true);
        view.setInt32(at + ADAMW_SLOT.firstChunk, chunk, true);
        ['decayFactor', 'beta1', 'beta2', 'biasCorrection2Sqrt', 'eps', 'stepSize'].forEach((field, k) => {
          view.setFloat32(at + ADAMW_SLOT[field], scalars[t][k], true);
        });
        chunk += Math.ceil(n / chunkSize);
      });
      return new Uint8Array(view.buffer);
    },
  };
  check(
    {
      kernel: 'ner_adamw_multi_f32',
      buffers,
      args: [...bufs('slots'), { i32: 3 }, { i32: 6 }, { i32: chunkSize }, ...bufs('c')],
      grid: [4, 1, 1],
      outputs: ['po0', 'mo0', 'vo0', 'p1', 'm1', 'v1', 'po2', 'mo2', 'vo2'],
    },
    1e-5,
    1e-7,
  );
}
// NerSumSquaresMulti's two passes, chunks of 1,000: three tensors (three chunks, one, two), their
// sums written out of order (out indices 2, 0, 1); fewer blocks than chunks in the first pass.
{
  const sizes = [2500, 7, 1001];
  const chunkSize = 1000;
  const outIndex = [2, 0, 1];
  const sumSlots = (ptrs) => {
    const buffer = new ArrayBuffer(sizes.length * SUM_SQUARES_SLOT_BYTES);
    const view = new DataView(buffer);
    let chunk = 0;
    sizes.forEach((n, t) => {
      const at = t * SUM_SQUARES_SLOT_BYTES;
      view.setBigUint64(at + SUM_SQUARES_SLOT.x, ptrs[`x${t}`] ?? 0n, true);
      view.setInt32(at + SUM_SQUARES_SLOT.n, n, true);
      view.setInt32(at + SUM_SQUARES_SLOT.firstChunk, chunk, true);
      view.setInt32(at + SUM_SQUARES_SLOT.out, outIndex[t], true);
      chunk += Math.ceil(n / chunkSize);
    });
    return new Uint8Array(buffer);
  };
  check(
    {
      kernel: 'ner_sum_squares_chunks_f32',
      buffers: {
        x0: randF(2500),
        x1: randF(7),
        x2: randF(1001),
        partial: { f32: 6 },
        slots: { table: sumSlots },
      },
      args: [...bufs('slots'), { i32: 3 }, { i32: 6 }, { i32: chunkSize }, ...bufs('partial')],
      grid: [4, 1, 1],
      outputs: ['partial'],
    },
    1e-5,
    1e-5,
  );
  // The second pass alone reads only n and firstChunk of the slots (no tensor addresses).
  check(
    {
      kernel: 'ner_sum_chunks_f32',
      buffers: { partial: randF(6, 0, 50), out: { f32: 3 }, slots: { table: sumSlots } },
      args: [...bufs('slots'), { i32: 3 }, { i32: chunkSize }, ...bufs('partial', 'out')],
      grid: [2, 1, 1],
      outputs: ['out'],
    },
    1e-6,
    1e-6,
  );
}
check(
  {
    kernel: 'ner_bias_add_f32',
    buffers: { x: randF(37 * 100), bias: randF(100), y: { f32: 3700 } },
    args: [...bufs('x', 'bias', 'y'), { i32: 37 }, { i32: 100 }],
    grid: grid1d(3700),
    outputs: ['y'],
  },
  0,
  0,
);

// The bf16 autocast cast: exact bits (16-bit outputs read back as packed 32-bit words), on
// random values, every tie position, NaN payloads (quiet, sign kept), Inf and overflow.
{
  const special = new Uint32Array([
    0x3f808000, 0x3f818000, 0x3f808001, 0x3f807fff, 0xbf818000, 0x7f7fffff, 0xff7fffff, 0x7f800000,
    0xff800000, 0x7fc00000, 0x7f800001, 0xff800001, 0x7fbfffff, 0x00000001, 0x00018000, 0x80000000,
  ]);
  const ties = Uint32Array.from({ length: 4096 }, (_, i) => ((i * 0x10001) << 4) | 0x8000);
  const x = new Float32Array([
    ...randF(N, -3e4, 3e4),
    ...new Float32Array(special.buffer),
    ...new Float32Array(ties.buffer),
  ]);
  check(
    {
      kernel: 'ner_cast_f32_bf16',
      buffers: { x, y: { i32: Math.ceil(x.length / 2) } },
      args: [...bufs('x', 'y'), { i32: x.length }],
      grid: grid1d(x.length),
      outputs: ['y'],
    },
    0,
    0,
  );
}

/** float32 -> bfloat16 bits, round to nearest even (as ner_cast_f32_bf16 and roundToBf16). */
function toBf16(values) {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  return Uint16Array.from(bits, (b) =>
    (b & 0x7fffffff) > 0x7f800000
      ? ((b | 0x400000) >>> 16) & 0xffff
      : ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff,
  );
}

// cuBLASLt products against the fake's float64 loop. With `g.bf16`, A and B go up as bfloat16
// (CUDA_R_16BF layouts, fp32 accumulation, bf16 autocast); the fake multiplies the same values.
function gemmCase(label, g, tf32) {
  try {
    const results = [fake, gpu].map((device) => {
      const aLen = g.batch * Math.max(g.strideA, 1) + (g.transA ? g.k * g.lda : g.m * g.lda);
      const bLen = g.batch * Math.max(g.strideB, 1) + (g.transB ? g.n * g.ldb : g.k * g.ldb);
      const cLen = g.batch * g.strideC + g.m * g.ldc;
      seed = 777;
      const host = {
        a: randF(aLen, -1, 1),
        b: randF(bLen, -1, 1),
        c: randF(cLen, -1, 1),
        bias: randF(g.n, -1, 1),
      };
      if (g.bf16) Object.assign(host, { a: toBf16(host.a), b: toBf16(host.b) });
      const p = {};
      for (const [k, v] of Object.entries(host)) {
        p[k] = device.malloc(v.byteLength);
        device.upload(p[k], v);
      }
      device.gemm({ ...g, a: p.a, b: p.b, c: p.c, bias: g.withBias ? p.bias : undefined, tf32 });
      const out = new Float32Array(cLen);
      device.download(out, p.c);
      for (const v of Object.values(p)) device.free(v);
      return out;
    });
    compare(
      `gemm ${label}${tf32 ? ' tf32' : ''}${g.bf16 ? ' bf16' : ''}`,
      results[1],
      results[0],
      tf32 && !g.bf16 ? 5e-3 : 1e-4,
      tf32 && !g.bf16 ? 5e-3 : 1e-5,
    );
  } catch (error) {
    report.failures += 1;
    report.checks.push({ name: `gemm ${label}`, ok: false, error: String(error?.message ?? error) });
  }
}
const base = { batch: 1, strideA: 0, strideB: 0, strideC: 0, alpha: 1, beta: 0, activation: 'none' };
for (const [transA, transB] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
]) {
  const [m, n, k] = [67, 45, 131];
  const g = { ...base, m, n, k, transA, transB, ...denseLeadingDims(m, n, k, transA, transB) };
  gemmCase(`${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} 67x45x131`, g, false);
}
gemmCase(
  'bias+relu beta=0.5 alpha=2',
  {
    ...base,
    m: 64,
    n: 96,
    k: 80,
    transA: false,
    transB: true,
    lda: 80,
    ldb: 80,
    ldc: 96,
    alpha: 2,
    beta: 0.5,
    withBias: true,
    activation: 'relu',
  },
  false,
);
gemmCase(
  'bias',
  { ...base, m: 33, n: 17, k: 9, transA: false, transB: false, lda: 9, ldb: 17, ldc: 17, withBias: true },
  false,
);
// 12 products of 31x29x23, strided: odd strides (2-byte offsets for bf16 operands).
const batched12 = {
  ...base,
  m: 31,
  n: 29,
  k: 23,
  transA: false,
  transB: false,
  lda: 23,
  ldb: 29,
  ldc: 29,
  batch: 12,
  strideA: 31 * 23,
  strideB: 23 * 29,
  strideC: 31 * 29,
};
gemmCase('batched 12x(31x29x23)', batched12, false);
gemmCase(
  'batched, B broadcast (stride 0)',
  {
    ...base,
    m: 31,
    n: 29,
    k: 23,
    transA: false,
    transB: true,
    lda: 23,
    ldb: 23,
    ldc: 29,
    batch: 5,
    strideA: 31 * 23,
    strideB: 0,
    strideC: 31 * 29,
  },
  false,
);
gemmCase(
  '256x256x256',
  { ...base, m: 256, n: 256, k: 256, transA: false, transB: false, lda: 256, ldb: 256, ldc: 256 },
  true,
);
// bf16 operands (autocast): every transpose, bias+relu, odd batch strides (2-byte aligned
// batch offsets), and tf32 asked for (ignored under bf16: still fp32 accumulation).
for (const [transA, transB] of [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
]) {
  const [m, n, k] = [67, 45, 131];
  const g = { ...base, m, n, k, transA, transB, ...denseLeadingDims(m, n, k, transA, transB), bf16: true };
  gemmCase(`${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} 67x45x131`, g, false);
}
gemmCase(
  'bias+relu 64x96x80',
  {
    ...base,
    m: 64,
    n: 96,
    k: 80,
    transA: false,
    transB: true,
    lda: 80,
    ldb: 80,
    ldc: 96,
    withBias: true,
    activation: 'relu',
    bf16: true,
  },
  true,
);
gemmCase('batched 12x(31x29x23), odd strides', { ...batched12, bf16: true }, false);
gemmCase(
  '128x256x768',
  { ...base, m: 128, n: 256, k: 768, transA: false, transB: true, lda: 768, ldb: 768, ldc: 256, bf16: true },
  false,
);

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
