#!/usr/bin/env node
// Where a bert-base-sized training step spends its time on the native backend: every kernel
// registered under `native` is wrapped with a timer, one warm-up step is run, then one timed
// step; prints per-kernel totals (ms, calls, share of the step) and the time outside kernels
// (tape, gradient bookkeeping, GC). A diagnostic for issue 9, not a benchmark with a peer.
//
//   pnpm build && node tools/bench/native-profile.mjs
//
// env: NER_BENCH_BERT_LAYERS (2), NER_BENCH_BERT_BATCH (8), NER_BENCH_BERT_LENGTH (128),
//      NER_PROFILE_SHAPES=1 (one line per kernel and input shapes),
//      NER_PROFILE_WARMUP (untimed steps first, 1), NER_PROFILE_MODE (step | forward: one no-grad forward pass),
//      NER_PROFILE_MODEL=DIR (forward mode: a saved model, e.g. native-pipeline.mjs's kept model/, instead
//      of a random one), NER_PROFILE_DTYPE (float32 | bf16, with NER_PROFILE_MODEL),
//      NER_PROFILE_STEPS (timed steps, 1; the table is per step)
// One sentence's forward as the pipeline runs it:
//   NER_PROFILE_MODE=forward NER_BENCH_BERT_BATCH=1 NER_BENCH_BERT_LENGTH=30 NER_PROFILE_STEPS=20 \
//   NER_PROFILE_MODEL=/tmp/ner-native-pipeline-XXXX/model NER_PROFILE_DTYPE=bf16 node tools/bench/native-profile.mjs
import {
  BERT_BASE,
  benchTokenBatch,
  bertBaseTraining,
  envNumber,
  envString,
  models,
  tf,
  useBackend,
} from './peers/tfjs-backends.mjs';

const layers = envNumber('NER_BENCH_BERT_LAYERS', 2);
const batchSize = envNumber('NER_BENCH_BERT_BATCH', 8);
const length = envNumber('NER_BENCH_BERT_LENGTH', 128);
const mode = envString('NER_PROFILE_MODE') ?? 'step';
const byShape = envString('NER_PROFILE_SHAPES') === '1';
const backendName = envString('NER_BACKEND') ?? 'native';

const ready = await useBackend(backendName);
if (!ready.ok) {
  console.log(`${backendName} not available: ${ready.reason}`);
  process.exit(1);
}
const totals = new Map();
let timing = false;
for (const config of tf.getKernelsForBackend(backendName)) {
  const inner = config.kernelFunc;
  tf.unregisterKernel(config.kernelName, backendName);
  tf.registerKernel({
    ...config,
    kernelFunc: (args) => {
      if (!timing) return inner(args);
      const t0 = performance.now();
      const out = inner(args);
      const key = byShape
        ? `${config.kernelName} ${Object.values(args.inputs)
            .filter(Boolean)
            .map((t) => t.shape.join('x'))
            .join(',')}`
        : config.kernelName;
      const entry = totals.get(key) ?? { ms: 0, calls: 0 };
      entry.ms += (performance.now() - t0) / steps;
      entry.calls += 1 / steps;
      totals.set(key, entry);
      return out;
    },
  });
}

const savedModel = envString('NER_PROFILE_MODEL');
const steps = envNumber('NER_PROFILE_STEPS', 1);
const { model, optimizer } = savedModel
  ? {
      model: await models.AutoModelForTokenClassification.fromPretrained(savedModel, {
        dtype: envString('NER_PROFILE_DTYPE') ?? 'float32',
      }),
    }
  : await bertBaseTraining(layers);
const { inputIds: ids, attentionMask: mask, labels } = benchTokenBatch(batchSize, length, BERT_BASE.labels);
const batch = {
  input_ids: tf.tensor2d(ids, undefined, 'int32'),
  attention_mask: tf.tensor2d(mask, undefined, 'int32'),
  labels: tf.tensor2d(labels, undefined, 'int32'),
};
const step = async () => {
  if (mode === 'forward') {
    const logits = tf.tidy(() => model.forward(batch, { training: false }).logits);
    await logits.data();
    logits.dispose();
    return;
  }
  const { loss, grads } = model.computeGradients(batch, { training: true });
  optimizer.step(grads);
  await loss.data();
  tf.dispose([loss, ...grads.values()]);
};
for (let i = 0; i < envNumber('NER_PROFILE_WARMUP', 1); i++) await step();
timing = true;
const usageBefore = process.resourceUsage();
const t0 = performance.now();
for (let i = 0; i < steps; i++) await step();
const stepMs = (performance.now() - t0) / steps;
const usageAfter = process.resourceUsage();
timing = false;
const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
const kernelMs = rows.reduce((s, [, e]) => s + e.ms, 0);
const usage = (key) => usageAfter[key] - usageBefore[key];
console.log(
  `${backendName}, ${mode}, ${savedModel ? `${savedModel} (${model.dtype})` : `${layers} layers`}, batch ${batchSize} x ${length}, ` +
    `mean of ${steps}: ${stepMs.toFixed(1)} ms ` +
    `(cpu user ${(usage('userCPUTime') / 1000).toFixed(0)} ms, system ${(usage('systemCPUTime') / 1000).toFixed(0)} ms, ` +
    `${usage('minorPageFault')} minor page faults, ${usage('voluntaryContextSwitches')} + ${usage('involuntaryContextSwitches')} context switches)`,
);
for (const [name, e] of rows) {
  if (e.ms < stepMs * 0.002) continue;
  console.log(
    `${name.padEnd(byShape ? 60 : 22)} ${e.ms.toFixed(1).padStart(8)} ms ${String(Math.round(e.calls)).padStart(5)} calls ${((100 * e.ms) / stepMs).toFixed(1).padStart(5)}%`,
  );
}
console.log(
  `${'outside kernels'.padEnd(22)} ${(stepMs - kernelMs).toFixed(1).padStart(8)} ms ${((100 * (stepMs - kernelMs)) / stepMs).toFixed(1).padStart(11)}%`,
);
