#!/usr/bin/env node
// Latency of the token-classification pipeline (aggregationStrategy "simple") for one CoNLL-2003
// validation sentence per call, p50 / p90 ms, with a randomly initialised bert-base-sized
// BertForTokenClassification (hidden 768, 12 layers, vocab 28996, 9 CoNLL labels, seed 1) saved to a
// temporary folder and loaded back, and the bert-base-cased tokenizer from ../shared:
//   - tfjs native backend (@ner/tfjs-backend-native, when it loads) and tfjs wasm,
//   - peer: onnxruntime-node (what transformers.js runs in Node) on an ONNX export of the same
//     weights (peers/export_bert_onnx.py, Debian torch), inside the same @ner/pipeline code, so
//     tokenization and post-processing are identical and only the model differs. Skipped with the
//     reason when onnxruntime-node or torch is missing (see peers/ort-model.mjs for the setup).
// Each column runs in its own child process; the logits of the first sentence are compared across
// columns, so a column that is fast because it is wrong shows (native-bf16 differs by its rounding).
// Targets of issue 19: native p50 <= 1.0x and p90 <= 1.2x ort, native-bf16 p50 <= 0.6x ort (fp32).
//
//   pnpm build && NER_BENCH_ORT_PATH=/tmp/ortpeer/node_modules/onnxruntime-node node tools/bench/native-pipeline.mjs
//
// env: NER_BENCH_PIPELINE_SENTENCES (timed sentences, 30), NER_BENCH_PIPELINE_WARMUP (3),
//      NER_BENCH_PIPELINE_BACKENDS (native,native-bf16,wasm), NER_BENCH_PIPELINE_LAYERS (12),
//      NER_BENCH_PIPELINE_BATCHED (sentences of the throughput pass, 512; 0: none),
//      NER_BENCH_PIPELINE_REUSE=DIR (model + ONNX of a NER_BENCH_KEEP_MODEL=1 run),
//      NER_BENCH_ORT_PATH, NER_BENCH_TORCH_PYTHON, NER_BENCH_KEEP_MODEL=1 (keep the temp folder),
//      NER_BENCH_PIPELINE_ROUNDS=r (1: every column r times in turn, ort first in each round; the
//      ratios are per round, so columns timed minutes apart on a loaded machine are not compared,
//      and the median round is reported, with each round's ratio beside it),
//      NER_BENCH_PIPELINE_BATCHED_WARM=1 (the throughput pass after one untimed pass over every batch,
//      instead of after the first batch only),
//      columns native-five / native-bf16-five: without the NerEncoderLayer kernel (five fused kernels
//      per layer, the path before it), NER_BENCH_THREADS=n (threads on both sides: ORT's intraOpNumThreads and NER_NATIVE_THREADS;
//      default the machine's cores; pair with `taskset -c` to pin the run to those cores)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sharedPath } from '../test-support/index.js';
import { conllSentences } from './collate-data.mjs';
import { loadOrt, ortPipelineModel } from './peers/ort-model.mjs';
import {
  coreCount,
  envList,
  envNumber,
  envString,
  findPython,
  fmt,
  models,
  peersDir,
  repoRoot,
  runJson,
  tf,
  useBackend,
} from './peers/tfjs-backends.mjs';

const count = envNumber('NER_BENCH_PIPELINE_SENTENCES', 30);
const warmup = Number(envString('NER_BENCH_PIPELINE_WARMUP') ?? 3);
const backends = envList('NER_BENCH_PIPELINE_BACKENDS', 'native,native-bf16,wasm');
const layers = envNumber('NER_BENCH_PIPELINE_LAYERS', 12);
const batched = Number(envString('NER_BENCH_PIPELINE_BATCHED') ?? 512);
const rounds = envNumber('NER_BENCH_PIPELINE_ROUNDS', 1);
const batchedWarm = envString('NER_BENCH_PIPELINE_BATCHED_WARM') === '1';
const threads = envNumber('NER_BENCH_THREADS', coreCount);
// The columns run in child processes, which read NER_NATIVE_THREADS when the addon loads.
if (envString('NER_BENCH_THREADS')) process.env.NER_NATIVE_THREADS = String(threads);
const LABELS = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC', 'I-MISC'];
const tokenizerDir = sharedPath('data', 'tokenizers', 'bert-base-cased');

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Worker: one column. Times `run(text)` per sentence; prints a JSON line. */
async function worker(column, modelDir, onnxFile) {
  const pipelineLib = {
    ...(await import(pathToFileURL(join(repoRoot, 'packages/pipeline/dist/index.js')).href)),
    ...(await import(pathToFileURL(join(repoRoot, 'packages/pipeline/dist/internal.js')).href)),
  };
  let run;
  let model;
  let tokenizer;
  if (column === 'ort') {
    const { ort, reason } = await loadOrt();
    if (!ort) return { unavailable: reason };
    const { readFileSync } = await import('node:fs');
    const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8'));
    model = await ortPipelineModel(ort, onnxFile, config, threads);
    tokenizer = await pipelineLib.loadPretrainedTokenizer(tokenizerDir, {}, config.max_position_embeddings);
    const p = new pipelineLib.TokenClassificationPipeline(model, tokenizer, {
      aggregationStrategy: 'simple',
    });
    run = (text) => p.run(text);
  } else {
    // "native-bf16": the native backend with dtype 'bf16' (Linear weights read as bfloat16; on
    // vdpbf16ps with the activations rounded too where the CPU has AVX512_BF16);
    // "native-bf16-widen": the fallback, weights widened to fp32 (NER_NATIVE_BF16_DOT=0).
    // "-five" (native, native-bf16-five): without the NerEncoderLayer kernel, each layer as the five
    // fused kernels it chains (what ran before it), to compare the two in one run.
    const five = column.endsWith('-five');
    const base = five ? column.slice(0, -'-five'.length) : column;
    if (base.endsWith('-bf16-widen')) process.env.NER_NATIVE_BF16_DOT = '0';
    const backend = base.replace(/-bf16(-widen)?$/, '');
    const ready = await useBackend(backend);
    if (!ready.ok) return { unavailable: ready.reason };
    if (five) {
      if (!tf.getKernel('NerEncoderLayer', backend)) return { unavailable: `${backend} has no NerEncoderLayer` };
      tf.unregisterKernel('NerEncoderLayer', backend);
    }
    // pipeline() calls initBackend(), which otherwise picks the best installed backend (native)
    // whatever tf.setBackend said: pin it to this column's.
    process.env.NER_BACKEND = backend;
    const ner = await pipelineLib.pipeline('ner', {
      model: modelDir,
      tokenizer: tokenizerDir,
      aggregationStrategy: 'simple',
      ...(/-bf16(-widen)?$/.test(base) ? { dtype: 'bf16' } : {}),
    });
    model = ner.pipeline.model;
    tokenizer = ner.pipeline.tokenizer;
    run = (text) => ner(text);
    if (tf.getBackend() !== backend) return { failed: `ran on ${tf.getBackend()}, not ${backend}` };
  }
  const texts = conllSentences('validation')
    .slice(0, warmup + count)
    .map((words) => words.join(' '));
  for (const text of texts.slice(0, warmup)) await run(text);
  const ms = [];
  let entities = 0;
  let tokens = 0;
  for (const text of texts.slice(warmup)) {
    const t0 = performance.now();
    const out = await run(text);
    ms.push(performance.now() - t0);
    entities += out.length;
    tokens += tokenizer.encode(text).inputIds.length;
  }
  // Throughput: `batched` validation sentences through the model in batches of 32, length-grouped
  // (sorted by token count), the same batches for every column; tokenization is outside the timing.
  let batchedPerSecond;
  if (batched > 0) {
    const encodings = conllSentences('validation')
      .slice(0, batched)
      .map((words) => tokenizer.encode(words.join(' ')))
      .sort((a, b) => a.inputIds.length - b.inputIds.length);
    const batches = [];
    for (let start = 0; start < encodings.length; start += 32) {
      const rows = encodings.slice(start, start + 32);
      const width = rows[rows.length - 1].inputIds.length;
      const pad = (values) => [...values, ...new Array(width - values.length).fill(0)];
      batches.push({
        input_ids: rows.map((e) => pad(e.inputIds)),
        attention_mask: rows.map((e) => pad(e.attentionMask)),
        token_type_ids: rows.map((e) => pad(e.tokenTypeIds)),
      });
    }
    // Warm-up: the first batch, or with NER_BENCH_PIPELINE_BATCHED_WARM=1 every batch once (steady
    // state: the first pass over new batch shapes grows the heap, ~400 MB of fresh pages on native).
    for (const batch of batchedWarm ? batches : batches.slice(0, 1)) await model.predict(batch);
    const t0 = performance.now();
    for (const batch of batches) await model.predict(batch);
    batchedPerSecond = encodings.length / ((performance.now() - t0) / 1000);
  }
  // Parity probe: the logits of the first timed sentence.
  const e = tokenizer.encode(texts[warmup]);
  const logits = await model.predict({
    input_ids: [e.inputIds],
    attention_mask: [e.attentionMask],
    token_type_ids: [e.tokenTypeIds],
  });
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    n: ms.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    mean: ms.reduce((a, b) => a + b, 0) / ms.length,
    meanTokens: tokens / ms.length,
    entities,
    batchedPerSecond,
    probe: Array.from(logits.data),
  };
}

if (process.argv[2] === '--worker') {
  const result = await worker(process.argv[3], process.argv[4], process.argv[5]).catch((error) => ({
    failed: String(error.message).split('\n')[0],
    stack: process.env.NER_BENCH_DEBUG ? String(error.stack) : undefined,
  }));
  console.log(JSON.stringify(result));
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const load = () =>
  loadavg()
    .map((v) => v.toFixed(1))
    .join(' ');
console.log(
  `pipeline("ner", aggregationStrategy "simple"), 1 CoNLL-2003 validation sentence per call, ${count} timed after ${warmup} warm-up; ` +
    `random bert-base-sized BERT (hidden 768, ${layers} layers, vocab 28996, 9 labels)`,
);
console.log(
  `${coreCount} cores, ${threads} threads per column, ${new Date().toISOString()}, load average at start ${load()}`,
);

// The model, saved where every column loads it from.
// NER_BENCH_PIPELINE_REUSE=DIR: the model and its ONNX export from a run with NER_BENCH_KEEP_MODEL=1
// (the export takes ~100 s on a loaded 2-core machine).
const reuse = envString('NER_BENCH_PIPELINE_REUSE');
const dir = reuse ?? mkdtempSync(join(tmpdir(), 'ner-native-pipeline-'));
const modelDir = join(dir, 'model');
const onnxFile = join(dir, 'model.onnx');
try {
  await useBackend('wasm');
  const config = models.AutoConfig.forModel('bert', {
    hiddenSize: 768,
    numHiddenLayers: layers,
    numAttentionHeads: 12,
    intermediateSize: 3072,
    vocabSize: 28996,
    id2label: Object.fromEntries(LABELS.map((l, i) => [i, l])),
  });
  if (!reuse) {
    const model = models.AutoModelForTokenClassification.fromConfig(config, { seed: 1 });
    await model.savePretrained(modelDir);
    model.dispose();
  }

  const columns = {};
  const { ort, reason: ortReason, path: ortPath } = await loadOrt();
  if (!ort) columns.ort = { unavailable: ortReason };
  else {
    const { python, reason } = await findPython('NER_BENCH_TORCH_PYTHON', 'torch');
    if (reuse) console.log(`ort: onnxruntime-node from ${ortPath}; model and ONNX export reused from ${dir}`);
    else if (!python) columns.ort = { unavailable: `no ONNX export: ${reason}` };
    else {
      const t0 = performance.now();
      // -B: no __pycache__ next to the peer scripts.
      const exported = await runJson(python, [
        '-B',
        join(peersDir, 'export_bert_onnx.py'),
        modelDir,
        onnxFile,
      ]).catch((e) => ({
        failed: e.message,
      }));
      if (exported.failed) columns.ort = { unavailable: `ONNX export failed: ${exported.failed}` };
      else
        console.log(
          `ort: onnxruntime-node ${ort.env?.versions?.node ?? '?'} from ${ortPath}, ${threads} intra-op threads; ` +
            `ONNX exported with torch ${exported.torch} in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
        );
    }
  }
  // Each column once per round, in turn; a column's figures are the median over rounds.
  const runs = {};
  for (let round = 0; round < rounds; round++)
    for (const column of [...(columns.ort ? [] : ['ort']), ...backends]) {
      const result = await runJson(process.execPath, [self, '--worker', column, modelDir, onnxFile]).catch(
        (e) => ({
          failed: e.message,
        }),
      );
      if (!runs[column]) runs[column] = [];
      runs[column].push(result);
    }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
  for (const [column, results] of Object.entries(runs)) {
    const bad = results.find((r) => r.unavailable || r.failed);
    if (bad) columns[column] = bad;
    else {
      columns[column] = { ...results[0], rounds: results };
      for (const key of ['p50', 'p90', 'mean', 'batchedPerSecond'])
        if (results[0][key] !== undefined) columns[column][key] = median(results.map((r) => r[key]));
    }
  }
  console.log(`load average at end ${load()}\n`);

  const reference = Object.values(columns).find((c) => c.probe);
  for (const [column, r] of Object.entries(columns)) {
    if (r.unavailable) console.log(`${column.padEnd(11)} not available: ${r.unavailable}`);
    else if (r.failed) console.log(`${column.padEnd(11)} failed: ${r.failed}`);
    else {
      const diff = Math.max(...r.probe.map((v, i) => Math.abs(v - reference.probe[i])));
      console.log(
        `${column.padEnd(11)} p50 ${fmt(r.p50, 1)} ms  p90 ${fmt(r.p90, 1)} ms  mean ${fmt(r.mean, 1)} ms  ` +
          `(${r.n} sentences, ${r.meanTokens.toFixed(1)} tokens on average, ${r.entities} entities; first-sentence logits max |diff| vs ${Object.keys(columns).find((k) => columns[k] === reference)} ${diff.toExponential(1)})`,
      );
    }
  }
  const ok = (c) => columns[c] && columns[c].p50 !== undefined;
  // a / b of `key` within each round: the median, and every round's when there are several.
  const ratio = (a, b, key) => {
    const each = columns[a].rounds.map((r, i) => r[key] / columns[b].rounds[i][key]);
    const shown = `${median(each).toFixed(2)}x`;
    return rounds > 1 ? `${shown} (rounds: ${each.map((v) => v.toFixed(2)).join(', ')})` : shown;
  };
  console.log(
    `\nratios (same run${rounds > 1 ? `, median of ${rounds} rounds` : ''}; latency, lower is better)`,
  );
  if (!ok('native'))
    console.log(
      `native: not available: ${columns.native?.unavailable ?? columns.native?.failed ?? 'not run'}`,
    );
  if (ok('native') && ok('ort'))
    console.log(
      `native / ort p50 ${ratio('native', 'ort', 'p50')}, p90 ${ratio('native', 'ort', 'p90')} (issue 19 targets: p50 <= 1.0, p90 <= 1.2)`,
    );
  for (const column of ['native-five', 'native-bf16', 'native-bf16-five', 'native-bf16-widen'])
    if (ok(column) && ok('ort'))
      console.log(
        `${column} / ort (fp32) p50 ${ratio(column, 'ort', 'p50')}, p90 ${ratio(column, 'ort', 'p90')} (target p50 <= 0.6)`,
      );
  for (const [column, r] of Object.entries(columns))
    if (r.batchedPerSecond)
      console.log(
        `${column.padEnd(11)} batched: ${r.batchedPerSecond.toFixed(1)} sentences/s (${batched} sentences, batches of 32, length-grouped${batchedWarm ? ', after a warm pass' : ''})` +
          (ok('ort') && columns.ort.batchedPerSecond
            ? `, ${ratio(column, 'ort', 'batchedPerSecond')} ort (target >= 1.0)`
            : ''),
      );
  if (ok('native') && ok('wasm'))
    console.log(`wasm / native p50 ${ratio('wasm', 'native', 'p50')} (native speed-up over wasm)`);
  if (ok('wasm') && ok('ort'))
    console.log(`wasm / ort p50 ${ratio('wasm', 'ort', 'p50')}, p90 ${ratio('wasm', 'ort', 'p90')}`);
} finally {
  if (envString('NER_BENCH_KEEP_MODEL') === '1' || reuse) console.log(`model kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
