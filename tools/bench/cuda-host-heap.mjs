#!/usr/bin/env node
// Does a long training run on the `cuda` backend keep more and more host memory? A bert-base-wide
// BertForTokenClassification (hidden 768, 12 heads, intermediate 3072, vocab 28996, 9 labels; 2
// layers by default, so thousands of steps take a minute) trains on the real addon over the no-op
// stand-in driver (stub-driver.mjs), with AdamW and dropout, as cuda-bert-step.mjs' worker does but
// keeping nothing per step. Every `every` steps it collects garbage twice and reads V8's used heap,
// tfjs' tensor count and their bytes; at the end, the least-squares slope of
// the heap over the samples after the first (JIT and first-step caches settle there), in bytes per
// step. A leak of JS objects per step (a map keyed by tensors that never forgets one, a list of
// pending reads) shows as a steady positive slope; tensors leaked as a growing count.
//
// Not a GPU measurement: what a real driver keeps on the host is not in it.
//
//   pnpm build && node tools/bench/cuda-host-heap.mjs
//
// env: NER_BENCH_HEAP_MODES (fp32,bf16), NER_BENCH_HEAP_STEPS (4000), NER_BENCH_HEAP_EVERY (500),
//      NER_BENCH_BERT_LAYERS (2), NER_BENCH_JSON=<file> or --json <file>
import v8 from 'node:v8';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { envList, envNumber, fmt, runJson, writeJsonResult } from '../gpu-check/lib/common.mjs';
import { bertTrainingSetup } from './bert-training-setup.mjs';
import { buildNoWorkDriver } from './stub-driver.mjs';

const steps = envNumber('NER_BENCH_HEAP_STEPS', 4000);
const every = envNumber('NER_BENCH_HEAP_EVERY', 500);
const layers = envNumber('NER_BENCH_BERT_LAYERS', 2);

/** Least-squares slope of y over x. */
function slope(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den > 0 ? num / den : null;
}

/** Worker: one precision; prints a JSON line with the samples. */
async function worker(mode) {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const { useCuda } = await import('../gpu-check/lib/cuda.mjs');
  const { models, tf, trainer } = await import('../gpu-check/lib/deps.mjs');
  const ready = await useCuda({ tf32: false });
  if (!ready.ok) return { unavailable: ready.reason };
  const { model, optimizer, batch } = bertTrainingSetup(
    { models, tf, trainer },
    { layers, batchSize: 32, length: 128 },
  );
  const autocast = mode === 'bf16' ? 'bf16' : null;
  // Sampled every `every` steps only: the bench itself keeps nothing per step.
  const samples = { step: [], heapBytes: [], tensors: [], tensorBytes: [] };
  for (let i = 1; i <= steps; i++) {
    const { loss, grads } = models.withAutocast(autocast, () =>
      model.computeGradients(batch, { training: true }),
    );
    optimizer.step(grads);
    await loss.data();
    tf.dispose([loss, ...grads.values()]);
    if (i % every === 0) {
      gc();
      gc();
      samples.step.push(i);
      samples.heapBytes.push(v8.getHeapStatistics().used_heap_size);
      samples.tensors.push(tf.memory().numTensors);
      samples.tensorBytes.push(tf.memory().numBytes);
    }
  }
  const later = (values) => values.slice(1);
  const bytesPerStep = samples.step.length > 2 ? slope(later(samples.step), later(samples.heapBytes)) : null;
  return { backend: tf.getBackend(), mode, layers, steps, every, samples, heapBytesPerStep: bytesPerStep };
}

if (process.argv[2] === '--worker') {
  const result = await worker(process.argv[3] ?? 'fp32').catch((error) => ({
    failed: String(error?.stack ?? error),
  }));
  console.log(JSON.stringify(result));
} else {
  const dir = buildNoWorkDriver('cuda-host-heap');
  const result = { date: new Date().toISOString(), what: 'host heap over a long run on a no-op driver' };
  result.cuda = {};
  for (const mode of envList('NER_BENCH_HEAP_MODES', 'fp32,bf16')) {
    const run = await runJson(process.execPath, [fileURLToPath(import.meta.url), '--worker', mode], {
      timeoutMs: 1_800_000,
      env: { ...process.env, NER_CUDA_LIB_DIR: dir, NER_GPU_CHECK_FAKE_DEVICE: '' },
    }).catch((error) => ({ failed: String(error?.message ?? error) }));
    if (!run.failed && !run.unavailable && run.backend !== 'cuda') {
      throw new Error(`cuda-host-heap: the worker ran on ${run.backend}, not cuda`);
    }
    result.cuda[mode] = run;
    writeJsonResult(result);
  }
  console.log(
    `host heap of a ${layers}-layer bert-base-wide training run on cuda over a no-op driver (${result.date})`,
  );
  for (const [mode, r] of Object.entries(result.cuda)) {
    if (!r.samples) {
      console.log(`${mode}: ${r.failed ? `failed: ${r.failed}` : `not available: ${r.unavailable}`}`);
      continue;
    }
    const mb = r.samples.heapBytes.map((b) => (b / 1e6).toFixed(2)).join(' ');
    const tensors = [...new Set(r.samples.tensors)].join(', ');
    console.log(
      `${mode.padEnd(5)} heap MB every ${r.every} steps: ${mb}; slope after the first sample ` +
        `${fmt(r.heapBytesPerStep, 0, 0)} B/step; tensors ${tensors}`,
    );
  }
}
