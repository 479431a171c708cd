#!/usr/bin/env node
// The optimizer side of a Trainer step with gradient clipping, on the native backend (cpu when
// native is missing): what the Trainer did until 2026-12-06 (`clipGradNorm`: the norm read on the
// host, then every gradient multiplied by the coefficient, or cloned at 1, then `AdamW.step`),
// against what it does now (`gradNormTensor` + `clipCoefficient` left as tensors, the coefficient
// passed to `AdamW.step` as `gradMultiplier`, which NerAdamWMulti applies in its own pass).
// Both in the same run, interleaved, over the same weights and gradients; once with a maxNorm
// that clips (coefficient < 1) and once with one that does not (coefficient 1).
// Usage: node tools/bench/clip-step.mjs [hiddenSize=128] [layers=1] [vocab=16379] [rounds=15]
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const trainer = await import('../../packages/trainer/dist/index.js');
const models = await import('../../packages/models/dist/index.js');
const require = createRequire(new URL('../../packages/trainer/package.json', import.meta.url));
const tf = await import(pathToFileURL(require.resolve('@tensorflow/tfjs-core')).href);
await import(pathToFileURL(require.resolve('@tensorflow/tfjs-backend-cpu')).href);
let backend = 'cpu';
try {
  await import('../../packages/tfjs-backend-native/dist/index.js');
  if (await tf.setBackend('native')) backend = 'native';
} catch {}
await tf.setBackend(backend);

const [hidden, layers, vocab, rounds] = [128, 1, 16379, 15].map((d, i) => Number(process.argv[2 + i] ?? d));
const config = new models.BertConfig({
  vocabSize: vocab,
  hiddenSize: hidden,
  numHiddenLayers: layers,
  numAttentionHeads: Math.max(1, hidden / 32),
  intermediateSize: hidden * 4,
  numLabels: 9,
});
const model = models.AutoModelForTokenClassification.fromConfig(config, { seed: 1 });
const params = model.namedParameters();
const parameterCount = params.reduce((n, [, v]) => n + v.size, 0);
// Gradients of a realistic spread: the main job's norms were 0.4 to 6 with maxNorm 1.
const grads = new Map(
  params.map(([name, v], i) => [
    name,
    tf.tidy(() => tf.mul(tf.randomNormal(v.shape, 0, 1, 'float32', i + 1), 1e-3)),
  ]),
);
const norm = trainer.globalGradNorm(grads);

const optimizer = new trainer.AdamW(trainer.trainerParameterGroups(model, 0.01), { lr: 1e-5 });
const before = (maxNorm) => {
  const clipped = trainer.clipGradNorm(grads, maxNorm);
  optimizer.step(clipped.grads);
  tf.dispose([...clipped.grads.values()]);
};
const now = (maxNorm) => {
  const total = trainer.gradNormTensor(grads);
  const coefficient = trainer.clipCoefficient(total, maxNorm);
  optimizer.step(grads, { gradMultiplier: coefficient });
  tf.dispose([total, coefficient]);
};
// Two warm-up steps (the first leaves the variables owning their storage: in-place from then on).
for (let i = 0; i < 2; i++) {
  before(norm / 2);
  now(norm / 2);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (const [label, maxNorm] of [
  ['clipping (coefficient 0.5)', norm / 2],
  ['not clipping (coefficient 1)', norm * 2],
]) {
  const times = { before: [], now: [] };
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of r % 2 === 0
      ? [
          ['before', before],
          ['now', now],
        ]
      : [
          ['now', now],
          ['before', before],
        ]) {
      const start = performance.now();
      fn(maxNorm);
      times[name].push(performance.now() - start);
    }
  }
  const [b, n] = [median(times.before), median(times.now)];
  results.push({ label, beforeMs: b, nowMs: n, ratio: n / b });
}
console.log(
  `clip + AdamW step on ${backend}: ${params.length} weights, ${parameterCount.toLocaleString('en')} parameters ` +
    `(hidden ${hidden}, ${layers} layer(s), vocab ${vocab}); gradient norm ${norm.toFixed(4)}; median of ${rounds} interleaved rounds`,
);
for (const r of results) {
  console.log(
    `  ${r.label.padEnd(30)} clipGradNorm + step ${r.beforeMs.toFixed(2)} ms | gradMultiplier ${r.nowMs.toFixed(2)} ms | ratio ${r.ratio.toFixed(2)}`,
  );
}
tf.dispose([...grads.values()]);
optimizer.dispose();
model.dispose();
