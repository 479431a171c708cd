#!/usr/bin/env node
// float32 GEMM GFLOP/s at BERT-base shapes: tfjs `matMul` on the native backend
// (@ner/tfjs-backend-native, when it loads), wasm and cpu, next to numpy (OpenBLAS) run as a
// Python subprocess in the same run. The numpy peer runs before and after the tfjs columns and
// the faster of its two runs is the one compared against, so background load on a shared machine
// counts against the native backend, not for it. Target of issue 9: native / numpy >= 0.70.
//
//   pnpm build && node tools/bench/native-gemm.mjs
//
// Shapes are MxKxN (A[M,K] @ B[K,N]) or BxMxKxN (batched); env overrides:
//   NER_BENCH_GEMM_SHAPES    default 4096x768x3072,4096x3072x768,4096x768x768,96x128x64x128
//   NER_BENCH_GEMM_BACKENDS  default native,wasm,cpu
//   NER_BENCH_GEMM_REPS      timed products per shape (at least; default 3), after one warm-up
//   NER_BENCH_GEMM_SECONDS   and at least this long per shape (default 1)
//   NER_BENCH_GEMM_CPU_MAX_GFLOP  the cpu backend skips bigger products (default 5: it does ~0.6 GFLOP/s)
//   NER_BENCH_PYTHON         interpreter for the numpy peer (default: first of python3, /usr/bin/python3 with numpy)
import { join } from 'node:path';
import {
  coreCount,
  envList,
  envNumber,
  findPython,
  fmt,
  peersDir,
  runJson,
  tf,
  useBackend,
} from './peers/tfjs-backends.mjs';

const shapes = envList('NER_BENCH_GEMM_SHAPES', '4096x768x3072,4096x3072x768,4096x768x768,96x128x64x128').map(
  (s) => {
    const dims = s.split('x').map(Number);
    if (!(dims.length === 3 || dims.length === 4) || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new Error(`NER_BENCH_GEMM_SHAPES: "${s}" is not MxKxN or BxMxKxN`);
    }
    const [batch, m, k, n] = dims.length === 3 ? [1, ...dims] : dims;
    return { name: s, batched: dims.length === 4, batch, m, k, n, flops: 2 * batch * m * k * n };
  },
);
const backends = envList('NER_BENCH_GEMM_BACKENDS', 'native,wasm,cpu');
const reps = envNumber('NER_BENCH_GEMM_REPS', 3);
const minSeconds = envNumber('NER_BENCH_GEMM_SECONDS', 1);
const cpuMaxGflop = envNumber('NER_BENCH_GEMM_CPU_MAX_GFLOP', 5);

function randomArray(size, seed) {
  let state = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** 16 entries of C checked against a float64 dot product, so a fast but wrong kernel shows. */
function checkProduct(shape, a, b, c) {
  const { batch, m, k, n } = shape;
  let worst = 0;
  for (let s = 0; s < 16; s++) {
    const p = (s * 7919) % batch;
    const i = (s * 104729) % m;
    const j = (s * 1299709) % n;
    let expected = 0;
    for (let t = 0; t < k; t++) expected += a[p * m * k + i * k + t] * b[p * k * n + t * n + j];
    const got = c[p * m * n + i * n + j];
    worst = Math.max(worst, Math.abs(got - expected) / (1 + Math.abs(expected)));
  }
  return worst;
}

async function numpyPeer(python) {
  return runJson(python, [
    join(peersDir, 'numpy_gemm.py'),
    shapes.map((s) => s.name).join(','),
    String(reps),
    String(minSeconds),
  ]);
}

async function measureTfjs(shape, aData, bData) {
  const { batch, m, k, n, batched } = shape;
  const a = batched ? tf.tensor3d(aData, [batch, m, k]) : tf.tensor2d(aData, [m, k]);
  const b = batched ? tf.tensor3d(bData, [batch, k, n]) : tf.tensor2d(bData, [k, n]);
  const once = async () => {
    const c = tf.matMul(a, b);
    const data = await c.data();
    c.dispose();
    return data;
  };
  const first = await once(); // warm-up (and the values checked)
  const error = checkProduct(shape, aData, bData, first);
  let count = 0;
  const start = performance.now();
  while (count < reps || performance.now() - start < minSeconds * 1000) {
    await once();
    count += 1;
  }
  const ms = (performance.now() - start) / count;
  tf.dispose([a, b]);
  return { gflops: shape.flops / ms / 1e6, ms, reps: count, error };
}

const { python, reason: pythonReason } = await findPython('NER_BENCH_PYTHON', 'numpy');
const started = new Date().toISOString();
console.log(
  `float32 GEMM, ${coreCount} cores, ${started}; one warm-up product, then >= ${reps} products and >= ${minSeconds} s per shape`,
);

const numpyRuns = [];
if (python) numpyRuns.push(await numpyPeer(python).catch((e) => ({ error: e.message })));

const inputs = shapes.map((shape, i) => ({
  a: randomArray(shape.batch * shape.m * shape.k, 11 + i),
  b: randomArray(shape.batch * shape.k * shape.n, 23 + i),
}));
const columns = {};
for (const backend of backends) {
  const ready = await useBackend(backend);
  if (!ready.ok) {
    columns[backend] = { unavailable: ready.reason };
    continue;
  }
  columns[backend] = {};
  for (const [i, shape] of shapes.entries()) {
    if (backend === 'cpu' && shape.flops / 1e9 > cpuMaxGflop) {
      columns[backend][shape.name] = { skipped: `> ${cpuMaxGflop} GFLOP` };
      continue;
    }
    columns[backend][shape.name] = await measureTfjs(shape, inputs[i].a, inputs[i].b);
  }
}

if (python) numpyRuns.push(await numpyPeer(python).catch((e) => ({ error: e.message })));
const numpyOk = numpyRuns.filter((r) => !r.error);
const numpyBest = (name) => {
  const values = numpyOk
    .map((r) => r.results.find((x) => x.shape === name)?.gflops)
    .filter((v) => v !== undefined);
  return values.length ? { best: Math.max(...values), all: values } : null;
};

if (!python) console.log(`numpy: not available: ${pythonReason}`);
for (const r of numpyRuns.filter((r) => r.error)) console.log(`numpy: run failed: ${r.error}`);
if (numpyOk.length) {
  const r = numpyOk[0];
  console.log(
    `numpy ${r.numpy} (${python}, Python ${r.python}, ${r.blas}), run before and after the tfjs columns`,
  );
}
for (const backend of backends) {
  if (columns[backend].unavailable) console.log(`${backend}: not available: ${columns[backend].unavailable}`);
}

const header = [
  'shape'.padEnd(16),
  'GFLOP'.padStart(6),
  'numpy'.padStart(15),
  ...backends.map((b) => b.padStart(8)),
];
console.log(`\nGFLOP/s (higher is better; numpy: best of its runs, then each run)\n${header.join(' ')}`);
for (const shape of shapes) {
  const np = numpyBest(shape.name);
  const cells = backends.map((b) => {
    const c = columns[b];
    if (c.unavailable) return 'n/a'.padStart(8);
    const r = c[shape.name];
    return r.skipped ? 'skip'.padStart(8) : fmt(r.gflops, 2);
  });
  const npCell = np ? `${np.best.toFixed(1)} (${np.all.map((v) => v.toFixed(0)).join('/')})` : 'n/a';
  console.log(
    `${shape.name.padEnd(16)} ${fmt(shape.flops / 1e9, 2, 6)} ${npCell.padStart(15)} ${cells.join(' ')}`,
  );
}

const bad = [];
for (const backend of backends) {
  for (const [name, r] of Object.entries(columns[backend])) {
    if (r.error !== undefined && r.error > 1e-3)
      bad.push(`${backend} ${name}: max rel error ${r.error.toExponential(2)}`);
  }
}
console.log(
  bad.length
    ? `\nWRONG RESULTS: ${bad.join('; ')}`
    : '\nall measured products match a float64 dot product on 16 entries (rel error <= 1e-3)',
);

console.log('\nratios (same run)');
for (const shape of shapes) {
  const np = numpyBest(shape.name);
  const parts = [];
  const g = (b) =>
    columns[b] && !columns[b].unavailable && !columns[b][shape.name]?.skipped
      ? columns[b][shape.name].gflops
      : undefined;
  if (backends.includes('native') && columns.native.unavailable) parts.push('native n/a');
  else if (backends.includes('native')) {
    if (np) parts.push(`native/numpy ${(g('native') / np.best).toFixed(2)} (target >= 0.70)`);
    if (g('wasm')) parts.push(`native/wasm ${(g('native') / g('wasm')).toFixed(1)}x`);
    if (g('cpu')) parts.push(`native/cpu ${(g('native') / g('cpu')).toFixed(1)}x`);
  }
  if (np && g('wasm')) parts.push(`wasm/numpy ${(g('wasm') / np.best).toFixed(3)}`);
  if (np && g('cpu')) parts.push(`cpu/numpy ${(g('cpu') / np.best).toFixed(3)}`);
  console.log(`${shape.name.padEnd(16)} ${parts.join(', ')}`);
}
