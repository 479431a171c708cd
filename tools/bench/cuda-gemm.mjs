#!/usr/bin/env node
import {
  envList,
  envNumber,
  findPython,
  firstLine,
  fmt,
  randomArray,
  runCudaPeer,
  writeJsonResult,
} from '../gpu-check/lib/common.mjs';
import { countsDelta, fallbackCounts, fence, loadCuda, setTf32, useCuda } from '../gpu-check/lib/cuda.mjs';
import { tf } from '../gpu-check/lib/deps.mjs';

const shapes = envList(
  'NER_BENCH_GEMM_SHAPES',
  '4096x768x768,4096x768x3072,4096x3072x768,384x128x64x128,384x128x128x64',
).map((s) => {
  const dims = s.split('x').map(Number);
  if (!(dims.length === 3 || dims.length === 4) || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new Error(`NER_BENCH_GEMM_SHAPES: "${s}" is not MxKxN or BxMxKxN`);
  }
  const [batch, m, k, n] = dims.length === 3 ? [1, ...dims] : dims;
  return { name: s, batched: dims.length === 4, batch, m, k, n, flops: 2 * batch * m * k * n };
});
const modes = envList('NER_BENCH_GEMM_MODES', 'fp32,tf32');
const reps = envNumber('NER_BENCH_GEMM_REPS', 20);
const minSeconds = envNumber('NER_BENCH_GEMM_SECONDS', 0.5);
// TF32 rounds inputs to 10-bit mantissas: products of k terms in [-1, 1) land ~1e-3 off.
const TOLERANCE = { fp32: 1e-4, tf32: 2e-2 };

/** 16 entries of C against a float64 dot product, so a fast but wrong kernel shows. */
function checkProduct(shape, a, b, c) {
  const { batch, m, k, n } = shape;
  let worst = 0;
  for (let s = 0; s < 16; s++) {
    const p = (s * 7919) % batch;
    const i = (s * 104729) % m;
    const j = (s * 1299709) % n;
    let expected = 0;
    let scale = 0;
    for (let t = 0; t < k; t++) {
      const term = a[p * m * k + i * k + t] * b[p * k * n + t * n + j];
      expected += term;
      scale += Math.abs(term);
    }
    worst = Math.max(worst, Math.abs(c[p * m * n + i * n + j] - expected) / (1e-30 + scale));
  }
  return worst;
}

async function measureCuda(shape, aData, bData, mode) {
  const { batch, m, k, n, batched } = shape;
  setTf32(mode === 'tf32');
  const a = batched ? tf.tensor3d(aData, [batch, m, k]) : tf.tensor2d(aData, [m, k]);
  const b = batched ? tf.tensor3d(bData, [batch, k, n]) : tf.tensor2d(bData, [k, n]);
  const warm = tf.matMul(a, b);
  const error = checkProduct(shape, aData, bData, await warm.data());
  warm.dispose();
  for (let i = 0; i < 2; i++) tf.matMul(a, b).dispose();
  fence(a);
  const before = fallbackCounts();
  let count = 0;
  const start = performance.now();
  while (count < reps || performance.now() - start < minSeconds * 1000) {
    const c = tf.matMul(a, b);
    count += 1;
    // Queue products back to back, as torch does; wait now and then so the queue stays short.
    if (count % 16 === 0) fence(c);
    c.dispose();
  }
  fence(a);
  const ms = (performance.now() - start) / count;
  const fellBack = countsDelta(before, fallbackCounts());
  tf.dispose([a, b]);
  setTf32(false);
  return { tflops: shape.flops / ms / 1e9, ms, reps: count, error, fallbacks: fellBack };
}

const result = { date: new Date().toISOString(), shapes: shapes.map((s) => s.name), modes, reps, minSeconds };
console.log(
  `float32 GEMM on the GPU, ${result.date}; three warm-up products, then >= ${reps} products and >= ${minSeconds} s per shape and precision`,
);

// torch before.
const torchRuns = [];
const torchPeer = await findPython('NER_BENCH_TORCH_PYTHON', 'torch');
const runTorch = async () => {
  if (!torchPeer.python) return;
  const shapeList = shapes.map((s) => s.name).join(',');
  const args = [shapeList, String(reps), String(minSeconds), modes.join(',')];
  torchRuns.push(await runCudaPeer(torchPeer.python, 'torch_gemm.py', args, 180000));
};
if (!torchPeer.python) result.torch = { unavailable: torchPeer.reason };
await runTorch();
// Written as it goes: a step the GPU check's time limit kills still leaves what it measured.
writeJsonResult({ ...result, partial: true, torchRuns });

// Ours.
const cuda = await useCuda();
const ours = {};
if (!cuda.ok) {
  result.cuda = { unavailable: cuda.reason };
  // The GPU check records the step as skipped with this reason (the torch peer's result stays).
  result.skippedReason = cuda.reason;
} else {
  const info = await loadCuda();
  result.cuda = { status: info.status };
  for (const [i, shape] of shapes.entries()) {
    const a = randomArray(shape.batch * shape.m * shape.k, 11 + i);
    const b = randomArray(shape.batch * shape.k * shape.n, 23 + i);
    for (const mode of modes) {
      const key = `${shape.name} ${mode}`;
      try {
        ours[key] = await measureCuda(shape, a, b, mode);
      } catch (error) {
        ours[key] = { failed: firstLine(error) };
      }
      writeJsonResult({ ...result, partial: true, torchRuns, cudaSoFar: ours });
    }
  }
}
await runTorch();

// torch: the faster of its runs per shape and mode.
const torchBest = {};
for (const run of torchRuns) {
  if (run.unavailable || run.failed) {
    result.torch = { unavailable: run.unavailable ?? run.failed };
    continue;
  }
  result.torch = { torch: run.torch, cuda: run.cuda, device: run.device, python: torchPeer.python };
  for (const r of run.results) {
    const key = `${r.shape} ${r.mode}`;
    torchBest[key] ??= { runs: [] };
    torchBest[key].runs.push(r.tflops);
    torchBest[key].tflops = Math.max(...torchBest[key].runs);
  }
}
if (result.cuda.unavailable) console.log(`cuda: not available: ${result.cuda.unavailable}`);
if (result.torch?.unavailable) console.log(`torch: not available: ${result.torch.unavailable}`);
else if (result.torch)
  console.log(`torch ${result.torch.torch} (CUDA ${result.torch.cuda}) on ${result.torch.device}`);

console.log(
  `\nTFLOP/s (higher is better; torch: the faster of its two runs)\n${'shape'.padEnd(18)} ${'mode'.padEnd(5)} ${'GFLOP'.padStart(7)} ${'cuda'.padStart(8)} ${'torch'.padStart(8)} ${'ratio'.padStart(6)}  check`,
);
result.rows = [];
for (const shape of shapes) {
  for (const mode of modes) {
    const key = `${shape.name} ${mode}`;
    const o = ours[key];
    const t = torchBest[key];
    const ratio = o?.tflops && t?.tflops ? o.tflops / t.tflops : undefined;
    const wrong = o?.error !== undefined && !(o.error <= TOLERANCE[mode]);
    result.rows.push({
      shape: shape.name,
      mode,
      gflop: shape.flops / 1e9,
      cuda: o ?? null,
      torch: t ?? null,
      ratio: ratio ?? null,
      meetsTarget: ratio === undefined ? null : ratio >= 0.9,
      wrong,
    });
    console.log(
      `${shape.name.padEnd(18)} ${mode.padEnd(5)} ${fmt(shape.flops / 1e9, 1, 7)} ${fmt(o?.tflops, 2)} ${fmt(t?.tflops, 2)} ${fmt(ratio, 2, 6)}  ` +
        `${o?.failed ? `failed: ${o.failed}` : o?.error !== undefined ? `${wrong ? 'WRONG ' : ''}rel ${o.error.toExponential(1)}` : ''}` +
        `${o?.fallbacks && Object.keys(o.fallbacks).length ? ` fallbacks ${JSON.stringify(o.fallbacks)}` : ''}`,
    );
  }
}
console.log(
  '\ntarget of issue 15: cuda / torch >= 0.9 at every shape, fp32 and tf32 (ratios from this run only)',
);
writeJsonResult(result);
