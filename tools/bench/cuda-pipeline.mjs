#!/usr/bin/env node
// Latency of the token-classification pipeline (aggregationStrategy "simple") for one CoNLL-2003
// validation sentence per call, p50 / p90 ms, with a randomly initialised bert-base-sized
// BertForTokenClassification (hidden 768, 12 layers, vocab 28996, 9 CoNLL labels, seed 1) saved with
// the bert-base-cased tokenizer files to a temporary folder:
//   - @ner/pipeline's pipeline("ner") on the `cuda` backend (NER_BACKEND=cuda), in a child process;
//   - peer: transformers' pipeline("token-classification", device=0) on the same GPU, loading the very
//     same folder (peers/torch_cuda_pipeline.py; PyTorch eager attention, TF32 off). Where transformers
//     does not import, the peer is the model part alone (torch_bert.py on the same weights, fed the
//     token ids our tokenizer made here: forward, softmax, argmax, copy back), marked `kind: forward`
//     and a faster peer than a whole pipeline.
// The logits of the first timed sentence are compared across the two (same weights, same token ids),
// so a column that is fast because it is wrong shows.
// Target: no number in issue 15; recorded next to PyTorch for the report.
//
//   pnpm build && node tools/bench/cuda-pipeline.mjs           (in the repo; fixtures from ../shared)
//   node tools/gpu-check/payload/cuda/dist/cuda-pipeline.mjs    (bundled by tools/gpu-check/pack.sh)
//
// env: NER_BENCH_PIPELINE_SENTENCES (timed, 30), NER_BENCH_PIPELINE_WARMUP (3),
//      NER_BENCH_PIPELINE_LAYERS (12), NER_BENCH_TORCH_PYTHON, NER_BENCH_KEEP_MODEL=1,
//      NER_SHARED_DIR (fixtures), NER_BENCH_JSON=<file> or --json <file>
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  compareValues,
  conllSentences,
  envNumber,
  envString,
  findPython,
  firstLine,
  fmt,
  percentile,
  runCudaPeer,
  runJson,
  sharedPath,
  writeJsonResult,
} from '../gpu-check/lib/common.mjs';
import { fallbackCounts, countsDelta, loadCuda, useCuda } from '../gpu-check/lib/cuda.mjs';
import { models, pipelineInternal, pipelineLib, tf } from '../gpu-check/lib/deps.mjs';

const count = envNumber('NER_BENCH_PIPELINE_SENTENCES', 30);
const warmup = Number(envString('NER_BENCH_PIPELINE_WARMUP') ?? 3);
const layers = envNumber('NER_BENCH_PIPELINE_LAYERS', 12);
const LABELS = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC', 'I-MISC'];

/**
 * The pipeline on `cuda`: pipeline("ner") as users call it; when @ner/models' initBackend does not
 * know NER_BACKEND=cuda yet, the same TokenClassificationPipeline built by hand (said in the result).
 */
async function cudaPipeline(modelDir) {
  process.env.NER_BACKEND = 'cuda';
  try {
    const ner = await pipelineLib.pipeline('ner', { model: modelDir, aggregationStrategy: 'simple' });
    if (tf.getBackend() !== 'cuda') throw new Error(`pipeline() ran on ${tf.getBackend()}, not cuda`);
    return {
      run: (text) => ner(text),
      model: ner.pipeline.model,
      tokenizer: ner.pipeline.tokenizer,
      via: 'pipeline()',
    };
  } catch (error) {
    const why = firstLine(error);
    await tf.setBackend('cuda');
    const model = pipelineInternal.fromNerModel(
      await models.AutoModelForTokenClassification.fromPretrained(modelDir),
    );
    const tokenizer = await pipelineInternal.loadPretrainedTokenizer(modelDir);
    const p = new pipelineLib.TokenClassificationPipeline(model, tokenizer, {
      aggregationStrategy: 'simple',
    });
    return {
      run: (text) => p.run(text),
      model,
      tokenizer,
      via: `TokenClassificationPipeline by hand (pipeline() failed: ${why})`,
    };
  }
}

/** The model inputs of `text` from the pipeline's tokenizer (older @ner/align: encodeText() with ids / typeIds). */
async function encodeForModel(tokenizer, text) {
  const e =
    typeof tokenizer.encode === 'function' ? tokenizer.encode(text) : await tokenizer.encodeText(text);
  return {
    inputIds: Array.from(e.inputIds ?? e.ids),
    attentionMask: Array.from(e.attentionMask),
    tokenTypeIds: Array.from(e.tokenTypeIds ?? e.typeIds),
  };
}

/** Worker: our column; prints a JSON line. */
async function worker(modelDir, sentencesFile) {
  const ready = await useCuda({ tf32: false });
  if (!ready.ok) return { unavailable: ready.reason };
  const { readFileSync } = await import('node:fs');
  const texts = JSON.parse(readFileSync(sentencesFile, 'utf8'));
  const { run, model, tokenizer, via } = await cudaPipeline(modelDir);
  for (const text of texts.slice(0, warmup)) await run(text);
  const before = fallbackCounts();
  const ms = [];
  let entities = 0;
  for (const text of texts.slice(warmup)) {
    const t0 = performance.now();
    const out = await run(text);
    ms.push(performance.now() - t0);
    entities += out.length;
  }
  const fallbacks = countsDelta(before, fallbackCounts());
  const e = await encodeForModel(tokenizer, texts[warmup]);
  const logits = await model.predict({
    input_ids: [e.inputIds],
    attention_mask: [e.attentionMask],
    token_type_ids: [e.tokenTypeIds],
  });
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    via,
    backend: tf.getBackend(),
    n: ms.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    mean: ms.reduce((a, b) => a + b, 0) / ms.length,
    entities,
    fallbacks,
    probeIds: e.inputIds,
    probe: Array.from(logits.data),
  };
}

if (process.argv[2] === '--worker') {
  const r = await worker(process.argv[3], process.argv[4]).catch((error) => ({ failed: firstLine(error) }));
  console.log(JSON.stringify(r));
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const result = { date: new Date().toISOString(), layers, sentences: count, warmup };
console.log(
  `pipeline("ner", aggregationStrategy "simple"), 1 CoNLL-2003 validation sentence per call, ${count} timed after ${warmup} warm-up; ` +
    `random bert-base-sized BERT (hidden 768, ${layers} layers, vocab 28996, 9 labels); ${result.date}`,
);

const loaded = await loadCuda();
const torchPeer = await findPython('NER_BENCH_TORCH_PYTHON', 'torch');
if (!loaded.available) {
  result.cuda = { unavailable: loaded.reason };
  // The GPU check records the step as skipped with this reason (the torch peer's result stays).
  result.skippedReason = loaded.reason;
}
if (!torchPeer.python) result.torch = { unavailable: torchPeer.reason };
const dir = mkdtempSync(join(tmpdir(), 'ner-cuda-pipeline-'));
try {
  if (loaded.available || torchPeer.python) {
    const modelDir = join(dir, 'model');
    const sentencesFile = join(dir, 'sentences.json');
    const texts = conllSentences('validation')
      .slice(0, warmup + count)
      .map((words) => words.join(' '));
    writeFileSync(sentencesFile, JSON.stringify(texts));
    // The checkpoint, built on cpu (the parent never touches the GPU) with the tokenizer beside it.
    await tf.setBackend('cpu');
    const model = models.AutoModelForTokenClassification.fromConfig(
      new models.BertConfig({
        hiddenSize: 768,
        numHiddenLayers: layers,
        numAttentionHeads: 12,
        intermediateSize: 3072,
        vocabSize: 28996,
        id2label: Object.fromEntries(LABELS.map((l, i) => [i, l])),
        label2id: Object.fromEntries(LABELS.map((l, i) => [l, i])),
      }),
      { seed: 1 },
    );
    await model.savePretrained(modelDir);
    model.dispose();
    const tokenizerDir = sharedPath('data', 'tokenizers', 'bert-base-cased');
    for (const f of ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt']) {
      if (existsSync(join(tokenizerDir, f))) copyFileSync(join(tokenizerDir, f), join(modelDir, f));
    }
    // The token ids of every sentence and then the probe, for the peer's forward-only fallback.
    const idsFile = join(dir, 'ids.json');
    const tokenizer = await pipelineInternal.loadPretrainedTokenizer(modelDir);
    const encoded = [];
    for (const text of [...texts, texts[warmup]]) encoded.push(await encodeForModel(tokenizer, text));
    writeFileSync(idsFile, JSON.stringify(encoded));
    if (loaded.available) {
      result.cuda = await runJson(process.execPath, [self, '--worker', modelDir, sentencesFile], {
        timeoutMs: 240000,
      }).catch((error) => ({ failed: firstLine(error) }));
      // Written as it goes: a step the GPU check's time limit kills still leaves what it measured.
      writeJsonResult({
        ...result,
        partial: true,
        cuda: { ...result.cuda, probe: undefined, probeIds: undefined },
      });
    }
    if (torchPeer.python) {
      const options = {
        model: modelDir,
        sentences: sentencesFile,
        warmup,
        probe: texts[warmup],
        ids: idsFile,
      };
      result.torch = await runCudaPeer(
        torchPeer.python,
        'torch_cuda_pipeline.py',
        [JSON.stringify(options)],
        240000,
      );
    }
    if (envString('NER_BENCH_KEEP_MODEL') === '1') console.log(`model kept in ${modelDir}`);
  }
} finally {
  if (envString('NER_BENCH_KEEP_MODEL') !== '1') rmSync(dir, { recursive: true, force: true });
}

const o = result.cuda;
const t = result.torch;
const line = (name, r) =>
  r?.p50 !== undefined
    ? `${name.padEnd(8)} ${fmt(r.p50, 2)} ${fmt(r.p90, 2)} ${fmt(r.mean, 2)}  ${r.entities ?? '-'} entities${r.via ? `; ${r.via}` : ''}${r.peer ? `; ${r.peer}` : ''}${r.fallbacks && Object.keys(r.fallbacks).length ? `; fallbacks ${JSON.stringify(r.fallbacks)}` : ''}`
    : `${name.padEnd(8)} not available: ${r?.unavailable ?? r?.failed}`;
console.log(
  `\n${'column'.padEnd(8)} ${'p50 ms'.padStart(8)} ${'p90 ms'.padStart(8)} ${'mean ms'.padStart(8)}`,
);
console.log(line('cuda', o));
console.log(line('torch', t));
if (t?.torch) console.log(`torch ${t.torch}, transformers ${t.transformers ?? 'not importable'} on ${t.device}`);
if (o?.probe && t?.probe) {
  const sameIds = JSON.stringify(o.probeIds) === JSON.stringify(t.probeIds);
  result.parity = { sameTokenIds: sameIds, ...(sameIds ? compareValues(o.probe, t.probe) : {}) };
  console.log(`first sentence logits, cuda vs torch: ${JSON.stringify(result.parity)}`);
}
if (o?.p50 && t?.p50) {
  // Against the forward-only peer, our whole pipeline is set against its model part alone.
  const against = t.kind === 'forward' ? 'torch forward only' : 'torch pipeline';
  result.ratio = { p50: o.p50 / t.p50, p90: o.p90 / t.p90, against };
  console.log(
    `cuda / ${against} latency: p50 ${result.ratio.p50.toFixed(2)}x, p90 ${result.ratio.p90.toFixed(2)}x (lower is better)`,
  );
}
for (const r of [o, t]) {
  if (r) {
    delete r.probe;
    delete r.probeIds;
  }
}
writeJsonResult(result);
