#!/usr/bin/env node
// @ner/pipeline: latency of the token-classification pipeline per CoNLL-2003 validation sentence
// (sentences/s, p50/p95 ms), next to peers measured in the same run:
//   - the bare model forward on the same, pre-tokenized inputs (what the pipeline adds on top),
//   - the same sentences as one batched call (batchSize 32).
// Default model: the oracle's TINY BERT (hidden 32, 2 layers, vocab 378: most CoNLL words become
// several pieces or [UNK]), so the figures show pipeline overhead, not real model cost.
// `--sizes tiny,distilbert,bert` adds randomly initialised distilbert-base-sized and bert-base-sized
// models with the bert-base-cased tokenizer (slow on the tfjs CPU backend: few sentences).
// The onnxruntime-node peer lives in native-pipeline.mjs (its CPU binaries are in the npm tarball;
// install it with --ignore-scripts outside the repo and point NER_BENCH_ORT_PATH at it).
// Run `npx tsup` in packages/models, packages/align and packages/pipeline first.
import { performance } from 'node:perf_hooks';
import {
  AutoConfig,
  AutoModelForTokenClassification,
  initBackend,
} from '../../packages/models/dist/index.js';
import { pipeline, TokenClassificationPipeline } from '../../packages/pipeline/dist/index.js';
import { fromNerModel, loadPretrainedTokenizer } from '../../packages/pipeline/dist/internal.js';
import { sharedPath } from '../test-support/index.js';
import { conllSentences } from './collate-data.mjs';

const args = process.argv.slice(2);
const sizesArg = args.find((a) => a.startsWith('--sizes='))?.split('=')[1] ?? 'tiny';
const sizes = sizesArg.split(',');
const backend = await initBackend({ log: null });
console.log(`tfjs backend: ${backend.backendName}`);

const texts = conllSentences('validation').map((words) => words.join(' '));

function stats(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  const total = ms.reduce((a, b) => a + b, 0);
  return { n: ms.length, perSecond: (1000 * ms.length) / total, p50: q(0.5), p95: q(0.95) };
}
const fmt = (s) =>
  `${s.perSecond.toFixed(1).padStart(8)} sent/s   p50 ${s.p50.toFixed(2).padStart(8)} ms   p95 ${s.p95.toFixed(2).padStart(8)} ms`;

async function measure(label, ner, model, tokenizer, maxLength, count, warmup) {
  // Sentences that fit the model in one window, so the bare-forward peer sees the same inputs.
  const sample = [];
  let skipped = 0;
  for (const text of texts) {
    if (sample.length === count + warmup) break;
    if (tokenizer.encode(text).inputIds.length <= maxLength) sample.push(text);
    else skipped += 1;
  }
  for (const text of sample.splice(count)) await ner(text);

  const pipelineMs = [];
  for (const text of sample) {
    const t0 = performance.now();
    await ner(text);
    pipelineMs.push(performance.now() - t0);
  }
  // Peer 1: the model alone on the same encodings (tokenized beforehand, one sentence per call).
  const encodings = sample.map((text) => tokenizer.encode(text));
  const forwardMs = [];
  for (const e of encodings) {
    const t0 = performance.now();
    await model.predict({
      input_ids: [e.inputIds],
      attention_mask: [e.attentionMask],
      token_type_ids: [e.tokenTypeIds],
    });
    forwardMs.push(performance.now() - t0);
  }
  // Peer 2: one batched call.
  const t0 = performance.now();
  await ner(sample, { batchSize: 32 });
  const batchedPerSecond = (1000 * sample.length) / (performance.now() - t0);

  const p = stats(pipelineMs);
  const f = stats(forwardMs);
  console.log(
    `\n${label}\n  ${sample.length} CoNLL-2003 validation sentences (${warmup} more as warm-up; ${skipped} skipped as longer than ${maxLength} tokens)`,
  );
  console.log(`  pipeline, 1 sentence per call   ${fmt(p)}`);
  console.log(`  model forward only              ${fmt(f)}`);
  console.log(`  pipeline, batchSize 32          ${batchedPerSecond.toFixed(1).padStart(8)} sent/s`);
  console.log(`  ratio pipeline / forward (p50)  ${(p.p50 / f.p50).toFixed(2)}x`);
  console.log(`  ratio batched / per-call speed  ${(batchedPerSecond / p.perSecond).toFixed(2)}x`);
}

if (sizes.includes('tiny')) {
  const dir = sharedPath('oracle', 'pipeline');
  const ner = await pipeline('ner', { model: `${dir}/model`, tokenizer: dir, aggregationStrategy: 'simple' });
  await measure(
    'oracle TINY BERT (hidden 32, 2 layers, vocab 378; not a real model size)',
    ner,
    ner.pipeline.model,
    ner.pipeline.tokenizer,
    ner.pipeline.maxLength,
    500,
    20,
  );
  ner.dispose();
}

const bigConfigs = {
  distilbert: ['distilbert', { dim: 768, nLayers: 6, nHeads: 12, hiddenDim: 3072, vocabSize: 28996 }],
  bert: [
    'bert',
    { hiddenSize: 768, numHiddenLayers: 12, numAttentionHeads: 12, intermediateSize: 3072, vocabSize: 28996 },
  ],
};
for (const size of sizes.filter((s) => s in bigConfigs)) {
  const [type, options] = bigConfigs[size];
  const labels = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC', 'I-MISC'];
  const config = AutoConfig.forModel(type, {
    ...options,
    id2label: Object.fromEntries(labels.map((l, i) => [i, l])),
  });
  const model = fromNerModel(AutoModelForTokenClassification.fromConfig(config, { seed: 1 }));
  const tokenizer = await loadPretrainedTokenizer(
    sharedPath('data', 'tokenizers', 'bert-base-cased'),
    {},
    512,
  );
  const p = new TokenClassificationPipeline(model, tokenizer, { aggregationStrategy: 'simple' });
  const ner = (input, opts) => p.run(input, opts);
  await measure(
    `random ${size}-base-sized ${type} (hidden 768, ${type === 'bert' ? 12 : 6} layers)`,
    ner,
    model,
    tokenizer,
    p.maxLength,
    40,
    3,
  );
  model.dispose?.();
}
