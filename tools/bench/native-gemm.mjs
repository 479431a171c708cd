#!/usr/bin/env node
// float32 GEMM GFLOP/s at BERT-base shapes: tfjs `matMul` on the native backend
// (@ner/tfjs-backend-native, when it loads), wasm and cpu, next to numpy (OpenBLAS) run as a
// Python subprocess in the same run. Per shape, each numpy peer runs before and after the tfjs
// columns and the faster of its two runs is the one compared against (and the fastest numpy peer),
// so background load on a shared machine counts against the native backend, not for it. Target of issue 9: native / numpy >= 0.70.
//
//   pnpm build && node tools/bench/native-gemm.mjs
//
// Shapes are MxKxN (A[M,K] @ B[K,N]) or BxMxKxN (batched); env overrides:
//   NER_BENCH_GEMM_SHAPES    default 4096x768x3072,4096x3072x768,4096x768x768,96x128x64x128
//   NER_BENCH_GEMM_BACKENDS  default native,wasm,cpu
//   NER_BENCH_GEMM_REPS      timed products per shape (at least; default 3), after one warm-up
//   NER_BENCH_GEMM_SECONDS   and at least this long per shape (default 1)
//   NER_BENCH_GEMM_CPU_MAX_GFLOP  the cpu backend skips bigger products (default 5: it does ~0.6 GFLOP/s)
//   NER_BENCH_PYTHON         interpreters for the numpy peers, comma-separated (default python3,/usr/bin/python3;
//                            each that imports numpy is a column: pip numpy and Debian numpy link different BLAS)
import { loadavg } from 'node:os';
import { join } from 'node:path';
import {
  coreCount,
  describeNative,
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

const loadText = () =>
  loadavg()
    .map((v) => v.toFixed(1))
    .join(' ');

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

async function numpyPeer(peer, shape) {
  return runJson(
    peer.python,
    ['-B', join(peersDir, 'numpy_gemm.py'), shape.name, String(reps), String(minSeconds)],
    { env: peer.env },
  );
}

async function measureTfjs(shape, aData, bData) {
  const { batch, m, k, n, batched } = shape;
  const a = batched ? tf.tensor3d(aData, [batch, m, k]) : tf.tensor2d(aData, [m, k]);
  const b = batched ? tf.tensor3d(bData, [batch, k, n]) : tf.tensor2d(bData, [k, n]);
  // Warm-up product, read back and checked.
  const warm = tf.matMul(a, b);
  const error = checkProduct(shape, aData, bData, await warm.data());
  warm.dispose();
  // Timed products are disposed unread, like numpy's peer drops each `c` (and like a model's
  // intermediate products): reading one would hand its storage to the caller, which keeps the
  // native backend from reusing the output array. The backends measured here (native, wasm,
  // cpu) run kernels synchronously, so the product is complete when matMul returns.
  let count = 0;
  const start = performance.now();
  while (count < reps || performance.now() - start < minSeconds * 1000) {
    tf.matMul(a, b).dispose();
    count += 1;
  }
  const ms = (performance.now() - start) / count;
  tf.dispose([a, b]);
  return { gflops: shape.flops / ms / 1e6, ms, reps: count, error };
}

// numpy peers: every interpreter of the list that imports numpy (numpy builds differ in BLAS).
// Where the machine pins OpenBLAS' kernels (OPENBLAS_CORETYPE, as this project's machines do
// because some kernels of older builds misbehave there), each interpreter also runs unpinned,
// with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed for that peer alone: the fastest numpy
// the machine can run, which is what native is compared with. Its BLAS line names the kernels.
const pythons = [];
const pythonReasons = [];
const pinned = process.env.OPENBLAS_CORETYPE !== undefined;
const { OPENBLAS_CORETYPE: _core, OPENBLAS_L2_SIZE: _l2, ...unpinnedEnv } = process.env;
for (const candidate of envList('NER_BENCH_PYTHON', 'python3,/usr/bin/python3')) {
  const { python, reason } = await findPython(null, 'numpy', [candidate]);
  if (!python) {
    pythonReasons.push(reason);
    continue;
  }
  pythons.push({ python, env: process.env, label: pinned ? `OPENBLAS_CORETYPE=${_core}` : '' });
  if (pinned) pythons.push({ python, env: unpinnedEnv, label: 'OPENBLAS_CORETYPE unset' });
}
console.log(
  `float32 GEMM, ${coreCount} cores, ${new Date().toISOString()}, load average ${loadText()}; ` +
    `one warm-up product, then >= ${reps} products and >= ${minSeconds} s per shape and column`,
);
console.log(
  'per shape: each numpy peer, then the tfjs backends, then each numpy peer again (a peer counts with its faster run)',
);

const columns = Object.fromEntries(backends.map((b) => [b, {}]));
const numpy = new Map(pythons.map((p) => [p, { runs: {}, info: null, error: null }]));
const runNumpy = async (shape) => {
  for (const python of pythons) {
    const r = await numpyPeer(python, shape).catch((e) => ({ error: e.message }));
    const peer = numpy.get(python);
    if (r.error) {
      peer.error = r.error;
      continue;
    }
    peer.info = r;
    const runs = peer.runs[shape.name] ?? [];
    runs.push(r.results[0].gflops);
    peer.runs[shape.name] = runs;
  }
};
let nativeLine = '';
for (const [i, shape] of shapes.entries()) {
  const a = randomArray(shape.batch * shape.m * shape.k, 11 + i);
  const b = randomArray(shape.batch * shape.k * shape.n, 23 + i);
  await runNumpy(shape);
  for (const backend of backends) {
    if (columns[backend].unavailable) continue;
    const ready = await useBackend(backend);
    if (!ready.ok) {
      columns[backend] = { unavailable: ready.reason };
      continue;
    }
    if (backend === 'native' && !nativeLine) nativeLine = await describeNative();
    if (backend === 'cpu' && shape.flops / 1e9 > cpuMaxGflop) {
      columns[backend][shape.name] = { skipped: `> ${cpuMaxGflop} GFLOP` };
      continue;
    }
    columns[backend][shape.name] = await measureTfjs(shape, a, b);
  }
  await runNumpy(shape);
}
console.log(`load average at end ${loadText()}`);

for (const reason of pythonReasons) console.log(`numpy: not available: ${reason}`);
const numpyNames = pythons.map((peer, i) => {
  const n = numpy.get(peer);
  const where = `${peer.python}${peer.label ? `, ${peer.label}` : ''}`;
  if (n.error) console.log(`numpy (${where}): run failed: ${n.error}`);
  if (n.info)
    console.log(
      `numpy${i + 1}: numpy ${n.info.numpy} (${where}, Python ${n.info.python}, BLAS ${n.info.blas})`,
    );
  return `numpy${i + 1}`;
});
for (const backend of backends) {
  if (columns[backend].unavailable) console.log(`${backend}: not available: ${columns[backend].unavailable}`);
  else if (backend === 'native') console.log(nativeLine);
}
const numpyBest = (peer, name) => {
  const runs = numpy.get(peer).runs[name];
  return runs?.length ? Math.max(...runs) : undefined;
};
const bestNumpy = (name) => {
  const values = pythons.map((p) => numpyBest(p, name)).filter((v) => v !== undefined);
  return values.length ? Math.max(...values) : undefined;
};

const header = [
  'shape'.padEnd(16),
  'GFLOP'.padStart(6),
  ...numpyNames.map((n) => n.padStart(15)),
  ...backends.map((b) => b.padStart(8)),
];
console.log(
  `\nGFLOP/s (higher is better; numpy: the faster run, both runs in brackets)\n${header.join(' ')}`,
);
for (const shape of shapes) {
  const npCells = pythons.map((p) => {
    const runs = numpy.get(p).runs[shape.name];
    return (
      runs?.length ? `${Math.max(...runs).toFixed(1)} (${runs.map((v) => v.toFixed(0)).join('/')})` : 'n/a'
    ).padStart(15);
  });
  const cells = backends.map((b) => {
    const c = columns[b];
    if (c.unavailable) return 'n/a'.padStart(8);
    const r = c[shape.name];
    return r.skipped ? 'skip'.padStart(8) : fmt(r.gflops, 2);
  });
  console.log(
    `${shape.name.padEnd(16)} ${fmt(shape.flops / 1e9, 2, 6)} ${npCells.join(' ')} ${cells.join(' ')}`,
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

console.log('\nratios (same run; numpy = the fastest numpy peer on that shape)');
const g = (b, name) =>
  columns[b] && !columns[b].unavailable && columns[b][name] && !columns[b][name].skipped
    ? columns[b][name].gflops
    : undefined;
for (const shape of shapes) {
  const np = bestNumpy(shape.name);
  const parts = [];
  const native = g('native', shape.name);
  if (backends.includes('native') && native === undefined) parts.push('native n/a');
  if (native !== undefined) {
    if (np) parts.push(`native/numpy ${(native / np).toFixed(2)} (target >= 0.70)`);
    for (const [i, p] of pythons.entries()) {
      const v = numpyBest(p, shape.name);
      if (v && pythons.length > 1) parts.push(`native/numpy${i + 1} ${(native / v).toFixed(2)}`);
    }
    if (g('wasm', shape.name)) parts.push(`native/wasm ${(native / g('wasm', shape.name)).toFixed(1)}x`);
    if (g('cpu', shape.name)) parts.push(`native/cpu ${(native / g('cpu', shape.name)).toFixed(1)}x`);
  }
  if (np && g('wasm', shape.name)) parts.push(`wasm/numpy ${(g('wasm', shape.name) / np).toFixed(3)}`);
  if (np && g('cpu', shape.name)) parts.push(`cpu/numpy ${(g('cpu', shape.name) / np).toFixed(3)}`);
  console.log(`${shape.name.padEnd(16)} ${parts.join(', ')}`);
}
