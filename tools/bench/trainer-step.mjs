#!/usr/bin/env node
// Cost of one training step of @ner/trainer with a small BERT token classifier on the cpu backend:
// forward+backward (model.computeGradients), our AdamW step (torch-exact), and as the peer measured
// in the same run, tfjs' own Adam (tf.train.adam().applyGradients) on the same weights and gradients.
// Usage: node tools/bench/trainer-step.mjs [hiddenSize=128] [layers=2]
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const trainer = await import('../../packages/trainer/dist/index.js');
const models = await import('../../packages/models/dist/index.js');
const require = createRequire(new URL('../../packages/trainer/package.json', import.meta.url));
const tf = await import(pathToFileURL(require.resolve('@tensorflow/tfjs-core')).href);
await import(pathToFileURL(require.resolve('@tensorflow/tfjs-backend-cpu')).href);
await tf.setBackend('cpu');

const hidden = Number(process.argv[2] ?? 128);
const layers = Number(process.argv[3] ?? 2);
const config = new models.BertConfig({
  vocabSize: 2000,
  hiddenSize: hidden,
  numHiddenLayers: layers,
  numAttentionHeads: 4,
  intermediateSize: hidden * 4,
  numLabels: 9,
});
const model = models.AutoModelForTokenClassification.fromConfig(config, { seed: 1 });
const batchSize = 16;
const seqLen = 32;
const ids = Array.from({ length: batchSize }, (_, b) =>
  Array.from({ length: seqLen }, (_, t) => 4 + ((b * 31 + t * 7) % 1990)),
);
const batch = {
  input_ids: tf.tensor2d(ids, undefined, 'int32'),
  labels: tf.tensor2d(
    ids.map((row) => row.map((v) => v % 9)),
    undefined,
    'int32',
  ),
};

const ours = new trainer.AdamW(trainer.trainerParameterGroups(model, 0.01), { lr: 1e-4 });
const peer = tf.train.adam(1e-4, 0.9, 0.999, 1e-8);
const time = (fn, repeats) => {
  fn();
  const start = performance.now();
  for (let i = 0; i < repeats; i++) fn();
  return (performance.now() - start) / repeats;
};
const { loss, grads } = model.computeGradients(batch, { training: true });
loss.dispose();
const gradsByVarName = Object.fromEntries(
  model.namedParameters().map(([name, v]) => [v.name, grads.get(name)]),
);
const repeats = 5;
const backward = time(() => {
  const out = model.computeGradients(batch, { training: true });
  tf.dispose([out.loss, ...out.grads.values()]);
}, repeats);
const adamw = time(() => ours.step(grads), repeats);
const tfAdam = time(() => peer.applyGradients(gradsByVarName), repeats);
const clip = time(() => tf.dispose([...trainer.clipGradNorm(grads, 1).grads.values()]), repeats);
console.log(
  `BERT token classifier, hidden ${hidden}, ${layers} layers, ${model.numParameters()} weights, batch ${batchSize}x${seqLen}, cpu backend`,
);
console.log(`  forward + backward:      ${backward.toFixed(1)} ms`);
console.log(`  AdamW step (ours):       ${adamw.toFixed(1)} ms`);
console.log(
  `  tf.train.adam (peer):    ${tfAdam.toFixed(1)} ms   ratio ours/peer ${(adamw / tfAdam).toFixed(2)}`,
);
console.log(`  clipGradNorm:            ${clip.toFixed(1)} ms`);
console.log(`  optimizer share of a step: ${((100 * adamw) / (backward + adamw)).toFixed(0)}%`);
