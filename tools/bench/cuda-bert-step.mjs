#!/usr/bin/env node
// One training step of a bert-base-sized BertForTokenClassification (hidden 768, 12 layers, 12 heads,
// intermediate 3072, vocab 28996, 9 labels; random weights, seed 1), batch 32 x 128 tokens: forward +
// backward (@ner/models computeGradients, dropout on) + AdamW (@ner/trainer AdamW with the Trainer's
// two weight-decay groups), samples/s on the `cuda` backend (@ner/tfjs-backend-cuda) next to PyTorch
// eager on the same GPU in the same run (peers/torch_cuda_bert_step.py: transformers'
// BertForTokenClassification with eager attention, torch.optim.AdamW). Each precision (fp32: TF32
// off on both sides; tf32: on; bf16: the step under bf16 autocast, torch.autocast('cuda',
// dtype=torch.bfloat16) on the torch side) runs in a child process of its own. Also recorded per step of ours:
// the kernels that fell back to the cpu (getFallbackCounts()), the device counters the package
// offers (kernel launches, GEMMs, syncs), and torch's CUDA kernel count per step (torch.profiler),
// which is what stands between a launch-bound step and 1.0x. One more step on each side is
// profiled for GPU time: ours by tfjs kernel (tf.profile, timing events around each kernel), torch's
// by aten op (torch.profiler); each sum over its step's wall time is how busy the GPU is.
// Target of issue 15: cuda / torch >= 0.5 samples/s at the same precision, 0 fallbacks.
//
//   pnpm build && node tools/bench/cuda-bert-step.mjs          (in the repo)
//   node tools/gpu-check/payload/cuda/dist/cuda-bert-step.mjs   (bundled by tools/gpu-check/pack.sh)
//
// env: NER_BENCH_BERT_LAYERS (12), NER_BENCH_BERT_BATCH (32), NER_BENCH_BERT_LENGTH (128),
//      NER_BENCH_BERT_WARMUP (3), NER_BENCH_BERT_STEPS (5), NER_BENCH_BERT_MODES (fp32,tf32,bf16),
//      NER_BENCH_BERT_TORCH (1; 0 skips torch), NER_BENCH_TORCH_ATTN (eager; sdpa is transformers' default),
//      NER_BENCH_TORCH_PYTHON, NER_BENCH_JSON=<file> or --json <file>
import { fileURLToPath } from 'node:url';
import {
  envList,
  envNumber,
  envString,
  findPython,
  firstLine,
  fmt,
  runCudaPeer,
  runJson,
  writeJsonResult,
} from '../gpu-check/lib/common.mjs';
import {
  countersDelta,
  countsDelta,
  deviceCounters,
  fallbackCounts,
  loadCuda,
  profileKernels,
  refusedGemmEpilogues,
  sumCounts,
  useCuda,
} from '../gpu-check/lib/cuda.mjs';
import { models, tf, trainer } from '../gpu-check/lib/deps.mjs';
import { BERT_BASE, bertTrainingSetup } from './bert-training-setup.mjs';

const SPEC = BERT_BASE;
const layers = envNumber('NER_BENCH_BERT_LAYERS', 12);
const batchSize = envNumber('NER_BENCH_BERT_BATCH', 32);
const length = envNumber('NER_BENCH_BERT_LENGTH', 128);
const warmup = Number(envString('NER_BENCH_BERT_WARMUP') ?? 3);
const steps = envNumber('NER_BENCH_BERT_STEPS', 5);
const modes = envList('NER_BENCH_BERT_MODES', 'fp32,tf32,bf16');
const withTorch = envString('NER_BENCH_BERT_TORCH') !== '0';
const torchAttn = envString('NER_BENCH_TORCH_ATTN') ?? 'eager';

/** Worker: one precision on `cuda`; prints a JSON line. */
async function worker(mode) {
  const ready = await useCuda({ tf32: mode === 'tf32' });
  if (!ready.ok) return { unavailable: ready.reason };
  const { model, optimizer, batch } = bertTrainingSetup(
    { models, tf, trainer },
    { layers, batchSize, length },
  );
  const groups = optimizer.paramGroups;
  const lastGroup = groups[groups.length - 1].params;
  const lastParam = lastGroup[lastGroup.length - 1][1];
  const losses = [];
  // Host time to issue a step (forward, backward and AdamW queued, nothing waited for): when it is
  // close to the whole step, the step is bound by the host, not the GPU.
  const issueMs = [];
  const step = async () => {
    const t0 = performance.now();
    const autocast = mode === 'bf16' ? 'bf16' : null;
    const { loss, grads } = models.withAutocast(autocast, () =>
      model.computeGradients(batch, { training: true }),
    );
    optimizer.step(grads);
    issueMs.push(performance.now() - t0);
    losses.push((await loss.data())[0]);
    tf.dispose([loss, ...grads.values()]);
    await lastParam.data(); // the last weight AdamW updates: the step has finished on the GPU
  };
  for (let i = 0; i < warmup; i++) await step();
  // The timed steps' own peak (model and optimizer state included, as torch's max_memory_allocated).
  tf.backend().resetPeakMemoryStats?.();
  const tensorsBefore = tf.memory().numTensors;
  const fallbacksBefore = fallbackCounts();
  const countersBefore = deviceCounters();
  const stepMs = [];
  issueMs.length = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await step();
    stepMs.push(performance.now() - t0);
  }
  const fallbacks = countsDelta(fallbacksBefore, fallbackCounts());
  const counters = countersDelta(countersBefore, deviceCounters());
  const perStep = counters
    ? Object.fromEntries(Object.entries(counters).map(([k, v]) => [k, v / steps]))
    : null;
  const ms = stepMs.reduce((a, b) => a + b, 0) / stepMs.length;
  const stepPeakBytes = tf.memory().peakBytesInUse ?? null;
  const issueMsPerStep = issueMs.reduce((a, b) => a + b, 0) / issueMs.length;
  const timedLosses = [...losses];
  // One more step under tf.profile: the GPU time of each tfjs kernel (timing events around it).
  // Their sum next to the step's wall time says how much of the step the GPU is busy.
  let gpuProfile;
  try {
    gpuProfile = await profileKernels(step);
    gpuProfile.shareOfStep = gpuProfile.kernelMs / ms;
  } catch (error) {
    gpuProfile = { failed: firstLine(error) };
  }
  return {
    backend: tf.getBackend(),
    mode,
    layers,
    parameters: model.numParameters(),
    msPerStep: ms,
    stepMs,
    issueMsPerStep,
    samplesPerS: batchSize / (ms / 1000),
    tokensPerS: (batchSize * length) / (ms / 1000),
    losses: timedLosses,
    tensorsFlat: tf.memory().numTensors === tensorsBefore,
    fallbacksPerStep: fallbacks ? sumCounts(fallbacks) / steps : null,
    fallbacks,
    refusedGemmEpilogues: refusedGemmEpilogues(),
    deviceCountersSource: countersBefore?.source ?? null,
    deviceCountersPerStep: perStep,
    memory: tf.memory(),
    stepPeakBytes,
    gpuProfile,
  };
}

if (process.argv[2] === '--worker') {
  const r = await worker(process.argv[3]).catch((error) => ({ failed: firstLine(error) }));
  console.log(JSON.stringify(r));
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const result = {
  date: new Date().toISOString(),
  model: { ...SPEC, layers },
  batch: batchSize,
  length,
  warmup,
  steps,
  modes,
};
console.log(
  `bert-base-sized BertForTokenClassification training step (hidden ${SPEC.hidden}, ${layers} layers, heads ${SPEC.heads}, ` +
    `intermediate ${SPEC.intermediate}, vocab ${SPEC.vocab}, ${SPEC.labels} labels), batch ${batchSize} x ${length}, ` +
    `forward + backward + AdamW, dropout on; ${warmup} warm-up steps, ${steps} timed; ${result.date}`,
);

result.torch = null;
if (withTorch) {
  const { python, reason } = await findPython('NER_BENCH_TORCH_PYTHON', 'torch');
  if (!python) result.torch = { unavailable: reason };
  else {
    const options = {
      ...SPEC,
      layers,
      batch: batchSize,
      length,
      warmup,
      steps,
      modes,
      attn: torchAttn,
      profile: true,
    };
    result.torch = await runCudaPeer(python, 'torch_cuda_bert_step.py', [JSON.stringify(options)], 300000);
    result.torch.python = python;
  }
}
// Written as it goes: a step the GPU check's time limit kills still leaves what it measured.
result.partial = true;
writeJsonResult(result);

const loaded = await loadCuda();
result.cudaStatus = loaded.status;
// The GPU check records the step as skipped with this reason (the torch peer's result stays).
if (!loaded.available) result.skippedReason = loaded.reason;
result.cuda = {};
for (const mode of modes) {
  result.cuda[mode] = loaded.available
    ? await runJson(process.execPath, [self, '--worker', mode], { timeoutMs: 300000 }).catch((error) => ({
        failed: firstLine(error),
      }))
    : { unavailable: loaded.reason };
  writeJsonResult(result);
}
delete result.partial;

if (result.torch?.model)
  console.log(
    `torch ${result.torch.torch} (CUDA ${result.torch.cuda}) on ${result.torch.device}: ${result.torch.model}`,
  );
else if (result.torch)
  console.log(`torch: not available: ${result.torch.unavailable ?? result.torch.failed}`);
/** "GPU time/step X ms (Y% of the step); slowest: ..." from a profile of ours or torch's. */
function gpuTimeLine(profile, source, entries) {
  if (!profile) return `GPU time/step: n/a (no ${source} profile)`;
  if (profile.failed) return `GPU time/step: ${source} failed: ${profile.failed}`;
  const slowest = (entries ?? [])
    .slice(0, 6)
    .map((k) => `${k.name} ${k.ms.toFixed(1)} ms/${k.calls}`)
    .join(', ');
  return (
    `GPU time/step (${source}) ${fmt(profile.kernelMs, 1, 0)} ms, ${fmt(100 * profile.shareOfStep, 0, 0)}% of the step;` +
    ` slowest: ${slowest}`
  );
}

console.log(`\n${'column'.padEnd(12)} ${'ms/step'.padStart(9)} ${'samples/s'.padStart(10)}  details`);
result.ratios = {};
for (const mode of modes) {
  const o = result.cuda[mode];
  const t = result.torch?.results?.[mode];
  if (o?.msPerStep !== undefined) {
    const launches = o.deviceCountersPerStep
      ? ` device counters/step ${JSON.stringify(o.deviceCountersPerStep)};`
      : '';
    console.log(
      `${`cuda ${mode}`.padEnd(12)} ${fmt(o.msPerStep, 1, 9)} ${fmt(o.samplesPerS, 1, 10)}  steps ${o.stepMs.map((v) => v.toFixed(0)).join(', ')} ms;` +
        ` host issue ${fmt(o.issueMsPerStep, 1, 0)} ms/step;` +
        ` peak ${o.stepPeakBytes ? fmt(o.stepPeakBytes / 2 ** 30, 2, 0) : 'n/a'} GiB;` +
        ` fallbacks/step ${o.fallbacksPerStep ?? 'n/a'}${o.fallbacks && Object.keys(o.fallbacks).length ? ` ${JSON.stringify(o.fallbacks)}` : ''};${launches}` +
        ` loss ${o.losses.map((v) => v.toFixed(3)).join(' ')}${o.tensorsFlat === false ? '; TENSOR COUNT GREW' : ''}`,
    );
    console.log(`${''.padEnd(34)}${gpuTimeLine(o.gpuProfile, 'tf.profile', o.gpuProfile?.kernels)}`);
  } else console.log(`${`cuda ${mode}`.padEnd(12)} not available: ${o?.unavailable ?? o?.failed}`);
  if (t) {
    console.log(
      `${`torch ${mode}`.padEnd(12)} ${fmt(t.msPerStep, 1, 9)} ${fmt(t.samplesPerS, 1, 10)}  steps ${t.stepMs.map((v) => v.toFixed(0)).join(', ')} ms;` +
        ` CUDA kernels/step ${t.cudaKernelsPerStep ?? 'n/a'};` +
        ` peak ${t.maxMemoryBytes ? fmt(t.maxMemoryBytes / 2 ** 30, 2, 0) : 'n/a'} GiB; loss ${t.losses.map((v) => v.toFixed(3)).join(' ')}`,
    );
    console.log(`${''.padEnd(34)}${gpuTimeLine(t.gpuProfile, 'torch.profiler', t.gpuProfile?.ops)}`);
  }
  if (o?.samplesPerS && t?.samplesPerS) result.ratios[mode] = o.samplesPerS / t.samplesPerS;
}
console.log(
  '\nratios (same run, same GPU; target of issue 15: cuda / torch >= 0.5 at the same precision, 0 fallbacks)',
);
for (const mode of modes) {
  const ratio = result.ratios[mode];
  console.log(`${mode}: ${ratio === undefined ? 'n/a' : `cuda / torch samples/s ${ratio.toFixed(2)}`}`);
}
writeJsonResult(result);
