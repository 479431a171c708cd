#!/usr/bin/env node
// What holds the `cuda` backend's device memory at the peak of a bert-base training step (batch
// 32 x 128, fp32, forward + backward + AdamW), measured without a GPU: the real addon and backend
// on the no-op stand-in driver (stub-driver.mjs), whose allocations are host memory that nothing
// writes. Prints the bytes in use at rest and at the step's peak, the kernel running then, and the
// live tensors at the peak grouped by the kernel that made them. A diagnostic, with no peer: the
// GPU check's bert-step sets our peak next to torch.cuda.max_memory_allocated() on the same GPU.
//
//   pnpm build && node tools/bench/cuda-step-memory.mjs
//
// env: NER_BENCH_BERT_LAYERS (12), NER_BENCH_BERT_BATCH (32), NER_BENCH_BERT_LENGTH (128),
//      NER_BENCH_BERT_MODE (fp32, or bf16: the step under bf16 autocast, whose operand copies
//      are counted apart), NER_BENCH_BERT_CHECKPOINT (1: gradient checkpointing, each layer
//      recomputed in the backward pass), NER_BENCH_DEVICE_GIB (no limit: a device of that many
//      GiB, so the step either fits it or runs out of memory; under bf16 the backend gives its
//      operand copies back when memory runs short), NER_BENCH_MEMORY_TOP (20 groups),
//      NER_BENCH_JSON=<file> or --json <file>
import { fileURLToPath } from 'node:url';
import { envNumber, envString, runJson, writeJsonResult } from '../gpu-check/lib/common.mjs';
import { buildNoWorkDriver } from './stub-driver.mjs';

const layers = envNumber('NER_BENCH_BERT_LAYERS', 12);
const batchSize = envNumber('NER_BENCH_BERT_BATCH', 32);
const length = envNumber('NER_BENCH_BERT_LENGTH', 128);
const top = envNumber('NER_BENCH_MEMORY_TOP', 20);
const mode = envString('NER_BENCH_BERT_MODE') ?? 'fp32';
const checkpointing = envString('NER_BENCH_BERT_CHECKPOINT') === '1';
const deviceGiB = envNumber('NER_BENCH_DEVICE_GIB', 0);
if (mode !== 'fp32' && mode !== 'bf16')
  throw new Error(`NER_BENCH_BERT_MODE must be fp32 or bf16, got ${mode}`);
const GiB = 2 ** 30;

/** Worker (on the stand-in driver): one warm-up step, then one step watched; prints a JSON line. */
async function worker() {
  const { useCuda } = await import('../gpu-check/lib/cuda.mjs');
  const { models, tf, trainer } = await import('../gpu-check/lib/deps.mjs');
  const { benchTokenBatch } = await import('./peers/token-batch.mjs');
  const ready = await useCuda({});
  if (!ready.ok) return { unavailable: ready.reason };
  const config = new models.BertConfig({
    hiddenSize: 768,
    numHiddenLayers: layers,
    numAttentionHeads: 12,
    intermediateSize: 3072,
    vocabSize: 28996,
    numLabels: 9,
  });
  const model = models.AutoModelForTokenClassification.fromConfig(config, { seed: 1 });
  if (checkpointing) model.gradientCheckpointingEnable();
  const optimizer = new trainer.AdamW(trainer.trainerParameterGroups(model, 0.01), { lr: 5e-5 });
  const raw = benchTokenBatch(batchSize, length, 9);
  const batch = {
    input_ids: tf.tensor2d(raw.inputIds, undefined, 'int32'),
    attention_mask: tf.tensor2d(raw.attentionMask, undefined, 'int32'),
    labels: tf.tensor2d(raw.labels, undefined, 'int32'),
  };
  const backend = tf.backend();
  // The kernel running now (tfjs' engine runs every kernel through runKernelFunc).
  let running = 'none';
  const engine = tf.engine();
  const runKernelFunc = engine.runKernelFunc.bind(engine);
  engine.runKernelFunc = (params) => {
    const outer = running;
    running = params.kernelName ?? 'a custom op';
    try {
      return runKernelFunc(params);
    } finally {
      running = outer;
    }
  };
  // Each output remembers its kernel; at each new high the live blocks are grouped by it.
  const makeOutput = backend.makeOutput.bind(backend);
  let peak = null;
  backend.makeOutput = (shape, dtype) => {
    const info = makeOutput(shape, dtype);
    const entry = backend.data.get(info.dataId);
    if (entry) entry.madeBy = `${running} ${dtype} ${shape.length > 2 ? `${shape.length}-D` : `[${shape}]`}`;
    notePeak();
    return info;
  };
  // Under bf16 autocast the products' operand copies take memory too, outside any tensor.
  const bf16CopyOf = backend.bf16CopyOf.bind(backend);
  backend.bf16CopyOf = (t) => {
    const ptr = bf16CopyOf(t);
    notePeak();
    return ptr;
  };
  function notePeak() {
    const inUse = backend.allocator.stats().bytesInUse;
    if (!peak || inUse > peak.bytesInUse) {
      const groups = new Map();
      for (const live of backend.live) {
        if (!live.block) continue;
        const key = live.madeBy ?? 'uploaded (weights, batch) or made before the watch';
        const g = groups.get(key) ?? { tensors: 0, bytes: 0, blockBytes: 0 };
        g.tensors += 1;
        g.bytes += live.bytes;
        g.blockBytes += live.block.size;
        groups.set(key, g);
      }
      peak = { bytesInUse: inUse, running, groups, bf16Copies: backend.bf16CopyStats() };
    }
  }
  const step = () => {
    const { loss, grads } = models.withAutocast(mode === 'bf16' ? 'bf16' : null, () =>
      model.computeGradients(batch, { training: true }),
    );
    optimizer.step(grads);
    tf.dispose([loss, ...grads.values()]);
  };
  try {
    step(); // the AdamW state is made here
  } catch (error) {
    if (error?.name === 'CudaOutOfMemoryError') return { outOfMemory: error.message };
    throw error;
  }
  const atRest = backend.allocator.stats().bytesInUse;
  peak = null;
  const reclaimedBefore = backend.bf16CopyStats();
  try {
    step();
  } catch (error) {
    if (error?.name === 'CudaOutOfMemoryError') return { outOfMemory: error.message };
    throw error;
  }
  const reclaimedAfter = backend.bf16CopyStats();
  const groups = [...peak.groups.entries()]
    .map(([madeBy, g]) => ({ madeBy, ...g }))
    .sort((a, b) => b.blockBytes - a.blockBytes);
  return {
    atRestBytes: atRest,
    peakBytes: peak.bytesInUse,
    runningAtPeak: peak.running,
    bf16CopiesAtPeak: peak.bf16Copies,
    bf16CopiesReclaimed: {
      copies: reclaimedAfter.reclaimedCopies - reclaimedBefore.reclaimedCopies,
      bytes: reclaimedAfter.reclaimedBytes - reclaimedBefore.reclaimedBytes,
    },
    groups,
  };
}

if (process.argv[2] === '--worker') {
  const r = await worker().catch((error) => ({ failed: String(error?.stack ?? error) }));
  console.log(JSON.stringify(r));
  process.exit(0);
}

const dir = buildNoWorkDriver('cuda-step-memory');
const run = await runJson(process.execPath, [fileURLToPath(import.meta.url), '--worker'], {
  timeoutMs: 600000,
  env: {
    ...process.env,
    NER_CUDA_LIB_DIR: dir,
    NER_GPU_CHECK_FAKE_DEVICE: '',
    STUB_DEVICE_MEMORY_BYTES: deviceGiB > 0 ? String(Math.round(deviceGiB * GiB)) : '',
  },
});
const result = {
  date: new Date().toISOString(),
  mode,
  checkpointing,
  layers,
  batchSize,
  length,
  deviceGiB: deviceGiB || null,
  ...run,
};
const device = deviceGiB > 0 ? `a ${deviceGiB} GiB` : 'the';
if (run.outOfMemory) {
  console.log(`cuda-step-memory: the ${mode} step does not fit ${device} device: ${run.outOfMemory}`);
} else if (run.failed || run.unavailable) {
  console.log(
    `cuda-step-memory: ${run.failed ? `failed: ${run.failed}` : `not available: ${run.unavailable}`}`,
  );
} else {
  console.log(
    `bert-base training step (${layers} layers, batch ${batchSize} x ${length}, ${mode}${checkpointing ? ', gradient checkpointing' : ''}) on the cuda backend, no-op driver${deviceGiB > 0 ? ` with ${deviceGiB} GiB` : ''} (${result.date})`,
  );
  console.log(`at rest (weights, AdamW state, batch): ${(run.atRestBytes / GiB).toFixed(3)} GiB`);
  console.log(
    `peak: ${(run.peakBytes / GiB).toFixed(3)} GiB, while running ${run.runningAtPeak}; live at the peak by the kernel that made them:`,
  );
  const copies = run.bf16CopiesAtPeak;
  if (copies.copies > 0) {
    console.log(
      `${(copies.bytes / 2 ** 20).toFixed(1).padStart(9)} MiB in bf16 operand copies (${copies.copies}), kept with their tensors while autocast lasts`,
    );
  }
  const reclaimed = run.bf16CopiesReclaimed;
  if (reclaimed.copies > 0) {
    console.log(
      `${(reclaimed.bytes / 2 ** 20).toFixed(1).padStart(9)} MiB in bf16 operand copies (${reclaimed.copies}) given back during the step, memory running short (cast again when read again)`,
    );
  }
  for (const g of run.groups.slice(0, top)) {
    console.log(
      `${(g.blockBytes / 2 ** 20).toFixed(1).padStart(9)} MiB in blocks (${(g.bytes / 2 ** 20).toFixed(1)} MiB of data) ${String(g.tensors).padStart(4)} x ${g.madeBy}`,
    );
  }
}
writeJsonResult(result);
