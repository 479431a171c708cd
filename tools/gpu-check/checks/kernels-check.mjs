#!/usr/bin/env node
// Step (b) of the GPU check: every kernel a BERT step uses (and the ops around them) on `cuda`
// against `cpu` (@tensorflow/tfjs-backend-cpu), on seeded random shapes with broadcasting,
// transposes and odd sizes. Float outputs must be within NER_GPU_KERNEL_RTOL (1e-5) relative
// (||cuda - cpu|| / ||cpu||, NaN/Inf at the same places); int32 and bool outputs must be equal.
// The fused kernels (NerLayerNorm(Grad), NerGeluErf(Grad), NerAdamW) have no cpu twin: they are
// compared with the composite ops @ner/models and @ner/trainer run on cpu. Random uniform (dropout)
// draws differ by design: it is checked for range, moments and repeatability per seed.
// Products under bf16 autocast are compared with cpu products of the host-rounded operands.
// Each case also records the kernels that fell back to the cpu (getFallbackCounts() deltas).
//
//   node tools/gpu-check/checks/kernels-check.mjs [--json out.json]
//   env: NER_GPU_KERNEL_RTOL (1e-5), NER_GPU_KERNEL_DRAWS (random shapes per op, 3),
//        NER_GPU_KERNEL_FILTER (substring of case names to run)
import { compareValues, envNumber, envString, firstLine, writeJsonResult } from '../lib/common.mjs';
import { countsDelta, fallbackCounts, loadCuda, useCuda } from '../lib/cuda.mjs';
import { models, tf } from '../lib/deps.mjs';
import { kernelCases } from './kernel-cases/index.mjs';

const rtol = envNumber('NER_GPU_KERNEL_RTOL', 1e-5);
const draws = envNumber('NER_GPU_KERNEL_DRAWS', 3);
const filter = envString('NER_GPU_KERNEL_FILTER');

const cases = kernelCases(draws);

// ---- running ------------------------------------------------------------------------------------------

function toTensor(t, input) {
  return t.tensor(input.values, input.shape, input.dtype);
}

/** Runs one case on the active backend; returns its outputs as host values. */
function runOn(c, fn) {
  const outputs = [];
  const body = () => {
    const tensors = c.inputs.map((input) => toTensor(tf, input));
    let out = fn(tf, ...tensors);
    out = Array.isArray(out) ? out : [out];
    for (const o of out) outputs.push({ dtype: o.dtype, shape: [...o.shape], values: o.dataSync().slice() });
    if (c.noTidy) tf.dispose([...tensors, ...out]);
    return null;
  };
  if (c.noTidy) body();
  else tf.tidy(body);
  return outputs;
}

function compareOutputs(got, want) {
  if (got.length !== want.length) return { ok: false, why: `${got.length} outputs, cpu gave ${want.length}` };
  let worst = 0;
  const details = [];
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (g.dtype !== w.dtype) return { ok: false, why: `output ${i} dtype ${g.dtype}, cpu ${w.dtype}` };
    if (g.shape.join(',') !== w.shape.join(','))
      return { ok: false, why: `output ${i} shape [${g.shape}], cpu [${w.shape}]` };
    if (w.dtype === 'float32') {
      const c = compareValues(g.values, w.values);
      worst = Math.max(worst, c.normRel);
      details.push({ normRel: c.normRel, maxAbs: c.maxAbs, specialMismatch: c.specialMismatch });
    } else {
      let mismatches = 0;
      let first = -1;
      for (let j = 0; j < w.values.length; j++) {
        if (g.values[j] !== w.values[j]) {
          mismatches += 1;
          if (first < 0) first = j;
        }
      }
      if (mismatches) worst = Number.POSITIVE_INFINITY;
      details.push(
        mismatches ? { mismatches, first, got: g.values[first], want: w.values[first] } : { exact: true },
      );
    }
  }
  return { ok: worst <= rtol, worst, details };
}

// tfjs-core's Node build registers no gradients; @ner/models registers the ones BERT needs
// (what a model's constructor does), on both backends alike.
models.registerGradients();

const result = { rtol, draws, cases: [], passed: 0, failed: 0, errors: 0, skipped: 0 };
const cuda = await useCuda();
result.cuda = cuda.ok ? 'available' : cuda.reason;
if (!cuda.ok) {
  result.skipped = cases.length;
  console.log(`kernels check skipped: ${cuda.reason}`);
  writeJsonResult({ ...result, skippedReason: cuda.reason, cases: undefined, caseCount: cases.length });
  process.exit(0);
}
const selected = filter ? cases.filter((c) => c.name.includes(filter)) : cases;
const started = performance.now();
for (const c of selected) {
  const entry = { name: c.name };
  try {
    if (c.needsKernel && !tf.getKernel(c.needsKernel, 'cuda')) {
      entry.status = 'failed';
      entry.error = `the cuda backend registers no ${c.needsKernel} kernel`;
      result.failed += 1;
      result.cases.push(entry);
      continue;
    }
    await tf.setBackend('cpu');
    const want = runOn(c, c.reference ?? c.run);
    await tf.setBackend('cuda');
    const before = fallbackCounts();
    const tensorsBefore = tf.memory().numTensors;
    const got = runOn(c, c.run);
    const leaked = tf.memory().numTensors - tensorsBefore;
    const fell = countsDelta(before, fallbackCounts());
    const cmp = compareOutputs(got, want);
    entry.status = cmp.ok ? 'ok' : 'failed';
    entry.worst = cmp.worst;
    if (!cmp.ok) entry.details = cmp.why ?? cmp.details;
    if (fell && Object.keys(fell).length) entry.fallbacks = fell;
    if (leaked) entry.leakedTensors = leaked;
    if (cmp.ok) result.passed += 1;
    else result.failed += 1;
  } catch (error) {
    entry.status = 'error';
    entry.error = firstLine(error);
    result.errors += 1;
    await tf.setBackend('cuda').catch(() => {});
  }
  result.cases.push(entry);
  const mark = entry.status === 'ok' ? 'ok  ' : entry.status.toUpperCase();
  console.log(
    `${mark} ${c.name}${entry.worst !== undefined ? `  rel ${Number(entry.worst).toExponential(2)}` : ''}` +
      `${entry.fallbacks ? `  fallbacks ${JSON.stringify(entry.fallbacks)}` : ''}${entry.error ? `  ${entry.error}` : ''}`,
  );
}

// Random uniform: not comparable with cpu's generator; range, moments and repeatability per seed.
// Twice: tf.randomUniform (tfjs-core 4.22 draws it on the host and uploads it: what @ner/models'
// dropout calls today) and runKernel('RandomUniform') (the device's Philox kernel, for callers that
// ask the backend for it).
const drawers = {
  randomUniform: (seed) =>
    tf.tidy(() => tf.randomUniform([1000, 1000], -1, 3, 'float32', seed).dataSync().slice()),
  'RandomUniform kernel': (seed) =>
    tf.tidy(() =>
      tf
        .engine()
        .runKernel(
          'RandomUniform',
          {},
          { shape: [1000, 1000], minval: -1, maxval: 3, dtype: 'float32', seed },
        )
        .dataSync()
        .slice(),
    ),
};
for (const [label, draw] of Object.entries(drawers)) {
  try {
    if (label !== 'randomUniform' && !tf.getKernel('RandomUniform', 'cuda')) {
      throw new Error('the cuda backend registers no RandomUniform kernel');
    }
    const a = draw(7);
    const b = draw(7);
    const c = draw(8);
    let mean = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const x of a) {
      mean += x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    mean /= a.length;
    let variance = 0;
    for (const x of a) variance += (x - mean) ** 2;
    variance /= a.length;
    const same = a.every((x, i) => x === b[i]);
    const differs = a.some((x, i) => x !== c[i]);
    const ok =
      min >= -1 &&
      max < 3 &&
      Math.abs(mean - 1) < 0.01 &&
      Math.abs(variance - 16 / 12) < 0.01 &&
      same &&
      differs;
    result[label] = { ok, min, max, mean, variance, sameForSeed: same, differsAcrossSeeds: differs };
    console.log(`${ok ? 'ok  ' : 'FAILED'} ${label} [1000,1000] in [-1,3): ${JSON.stringify(result[label])}`);
    if (ok) result.passed += 1;
    else result.failed += 1;
  } catch (error) {
    result[label] = { ok: false, error: firstLine(error) };
    console.log(`ERROR ${label}: ${firstLine(error)}`);
    result.errors += 1;
  }
}
result.seconds = (performance.now() - started) / 1000;
result.fallbacksTotal = fallbackCounts();
result.caseCount = selected.length + Object.keys(drawers).length;
const cudaInfo = await loadCuda();
result.status = cudaInfo.status;
console.log(
  `\n${result.passed} passed, ${result.failed} failed, ${result.errors} errors of ${result.caseCount} cases (rel tolerance ${rtol}) in ${result.seconds.toFixed(1)} s`,
);
writeJsonResult(result);
process.exit(result.failed + result.errors > 0 ? 1 : 0);
