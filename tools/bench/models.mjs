#!/usr/bin/env node
// @ner/models: forward and forward+backward time of random BERT / DistilBERT token classifiers
// (batch 8 x 128 tokens) on every TensorFlow.js backend that loads here: cpu and wasm always
// (measured in the same run, so their ratio means something), tfjs-node(-gpu) when installed.
// Prints ms/step, tokens/s and the GFLOP/s the matmul count implies.
//
//   npx tsup (in packages/models), then:
//   node tools/bench/models.mjs                      # small BERT (hidden 128, 2 layers)
//   node tools/bench/models.mjs --sizes small,distilbert,base --steps 2
//
// "distilbert" (768 hidden, 6 layers) and "base" (768 hidden, 12 layers) take minutes per step on the
// JS cpu backend; they are meant for tfjs-node / tfjs-node-gpu machines.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { benchTokenBatch } from './peers/token-batch.mjs';

const models = await import('../../packages/models/dist/index.js');
// tfjs-core and the backends resolve from the models package, so they share its tfjs-core instance.
const require = createRequire(new URL('../../packages/models/package.json', import.meta.url));
const tf = await import(pathToFileURL(require.resolve('@tensorflow/tfjs-core')).href);

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 && args[index + 1] ? args[index + 1] : fallback;
};
const sizes = option('sizes', 'small').split(',');
const steps = Number(option('steps', '3'));
const BATCH = 8;
const LENGTH = 128;
const LABELS = 9;

const SIZES = {
  small: { family: 'bert', hidden: 128, layers: 2, heads: 2, intermediate: 512 },
  distilbert: { family: 'distilbert', hidden: 768, layers: 6, heads: 12, intermediate: 3072 },
  base: { family: 'bert', hidden: 768, layers: 12, heads: 12, intermediate: 3072 },
};

function build(size) {
  const spec = SIZES[size];
  if (!spec) throw new Error(`unknown size ${size}; use ${Object.keys(SIZES).join(', ')}`);
  if (spec.family === 'bert') {
    const config = new models.BertConfig({
      hiddenSize: spec.hidden,
      numHiddenLayers: spec.layers,
      numAttentionHeads: spec.heads,
      intermediateSize: spec.intermediate,
      numLabels: LABELS,
    });
    return new models.BertForTokenClassification(config, { seed: 1 });
  }
  const config = new models.DistilBertConfig({
    dim: spec.hidden,
    nLayers: spec.layers,
    nHeads: spec.heads,
    hiddenDim: spec.intermediate,
    numLabels: LABELS,
  });
  return new models.DistilBertForTokenClassification(config, { seed: 1 });
}

/** Matmul FLOPs of one forward pass (2 per multiply-add); backward costs about twice that. */
function forwardFlops(size) {
  const { hidden: h, layers, intermediate: i } = SIZES[size];
  const tokens = BATCH * LENGTH;
  const perLayer = tokens * (8 * h * h + 4 * h * i + 4 * LENGTH * h);
  return layers * perLayer + tokens * 2 * h * LABELS;
}

function time(fn) {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

async function measure(backend, size) {
  const model = build(size);
  const raw = benchTokenBatch(BATCH, LENGTH, LABELS);
  const batch = { input_ids: raw.inputIds, attention_mask: raw.attentionMask, labels: raw.labels };
  const forward = () => {
    const output = model.forward(batch);
    output.logits.dataSync();
    tf.dispose(output);
  };
  const step = () => {
    const { loss, grads } = model.computeGradients(batch, { training: true });
    loss.dataSync();
    for (const grad of grads.values()) grad.dataSync();
    tf.dispose([loss, ...grads.values()]);
  };
  forward();
  step();
  let forwardMs = 0;
  let stepMs = 0;
  for (let i = 0; i < steps; i++) forwardMs += time(forward);
  for (let i = 0; i < steps; i++) stepMs += time(step);
  model.dispose();
  forwardMs /= steps;
  stepMs /= steps;
  const tokens = BATCH * LENGTH;
  const flops = forwardFlops(size);
  return {
    backend,
    size,
    forwardMs,
    stepMs,
    forwardTokensPerS: (tokens / forwardMs) * 1000,
    stepTokensPerS: (tokens / stepMs) * 1000,
    forwardGflops: flops / forwardMs / 1e6,
    stepGflops: (3 * flops) / stepMs / 1e6,
  };
}

// The backends to compare: whatever initBackend picks first (tfjs-node-gpu / tfjs-node when installed), then wasm and cpu.
const first = await models.initBackend({ log: null });
const backends = [...new Set([first.backendName, 'wasm', 'cpu'])];
for (const name of ['wasm', 'cpu']) {
  if (!tf.findBackendFactory(name))
    await import(pathToFileURL(require.resolve(`@tensorflow/tfjs-backend-${name}`)).href);
}

console.log(
  `batch ${BATCH} x ${LENGTH} tokens, ${steps} timed steps after one warm-up; skipped: ${first.skipped.join('; ') || 'none'}`,
);
const results = [];
for (const size of sizes) {
  for (const backend of backends) {
    if (!(await tf.setBackend(backend))) {
      console.log(`${backend}: could not be initialised, skipped`);
      continue;
    }
    await tf.ready();
    const r = await measure(backend, size);
    results.push(r);
    console.log(
      `${size.padEnd(10)} ${backend.padEnd(10)} forward ${r.forwardMs.toFixed(0).padStart(7)} ms  ${r.forwardTokensPerS.toFixed(0).padStart(7)} tok/s  ${r.forwardGflops.toFixed(2).padStart(6)} GFLOP/s | ` +
        `fwd+bwd ${r.stepMs.toFixed(0).padStart(7)} ms  ${r.stepTokensPerS.toFixed(0).padStart(7)} tok/s  ${r.stepGflops.toFixed(2).padStart(6)} GFLOP/s`,
    );
  }
  const cpu = results.find((r) => r.size === size && r.backend === 'cpu');
  for (const r of results.filter((x) => x.size === size && x.backend !== 'cpu')) {
    if (cpu)
      console.log(
        `${size}: ${r.backend} / cpu speed-up: forward ${(cpu.forwardMs / r.forwardMs).toFixed(2)}x, fwd+bwd ${(cpu.stepMs / r.stepMs).toFixed(2)}x`,
      );
  }
}
