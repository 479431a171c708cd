#!/usr/bin/env node
// What bf16 weights cost a trained model: the saved CoNLL-2003 model (examples/conll2003-trainer's
// outputs/final, or the folder given) predicts the full validation set twice on the native
// backend, with fp32 weights and with `dtype: 'bf16'`; prints the entity-level agreement of the
// bf16 predictions with the fp32 ones and the seqeval F1 (IOB2, default mode) of each against the
// gold tags. Words are labelled by their first sub-token, as the trainer's evaluation does.
// Batches of 32 sentences, length-grouped (sorted by token count).
//
//   pnpm build && node tools/bench/native-bf16-accuracy.mjs [MODEL_DIR]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sharedPath } from '../test-support/index.js';
import { models, repoRoot, tf, useBackend } from './peers/tfjs-backends.mjs';

const modelDir = process.argv[2] ?? join(repoRoot, 'examples/conll2003-trainer/outputs/final');
if (!existsSync(join(modelDir, 'config.json'))) {
  // Nothing to measure yet, as when a backend is missing: say what to run, and exit 0 so that
  // `pnpm bench` goes on.
  console.log(
    `no trained model in ${modelDir}: run the main job first (npx -y pnpm@10.34.8 start) or pass a model folder`,
  );
  process.exit(0);
}
const pipelineInternal = await import(
  pathToFileURL(join(repoRoot, 'packages/pipeline/dist/internal.js')).href
);
const seqeval = await import(pathToFileURL(join(repoRoot, 'packages/seqeval/dist/index.js')).href);

/** Words and gold NER tags of every validation sentence. */
function validation() {
  const sentences = [];
  let words = [];
  let tags = [];
  for (const line of readFileSync(sharedPath('data', 'conll2003', 'validation.txt'), 'utf8').split('\n')) {
    if (line.trim() === '') {
      if (words.length > 0) sentences.push({ words, tags });
      words = [];
      tags = [];
    } else if (!line.startsWith('-DOCSTART-')) {
      const parts = line.split(' ');
      words.push(parts[0]);
      tags.push(parts[parts.length - 1]);
    }
  }
  if (words.length > 0) sentences.push({ words, tags });
  return sentences;
}

/** Predicted tag per word (first sub-token) of every sentence, and the time the forwards took. */
async function predict(dtype, sentences, tokenizer) {
  const model = await models.AutoModelForTokenClassification.fromPretrained(modelDir, { dtype });
  const id2label = model.config.id2label;
  // Words past the model's positions are cut (and count as O), the same for fp32 and bf16.
  const maxLength = model.config.maxPositionEmbeddings;
  const encodings = sentences.map((s) =>
    tokenizer.encode(s.words, { isSplitIntoWords: true, truncation: true, maxLength }),
  );
  const order = encodings
    .map((_, i) => i)
    .sort((a, b) => encodings[a].inputIds.length - encodings[b].inputIds.length);
  const predictions = new Array(sentences.length);
  let ms = 0;
  for (let start = 0; start < order.length; start += 32) {
    const rows = order.slice(start, start + 32);
    const width = Math.max(...rows.map((i) => encodings[i].inputIds.length));
    const pad = (values, fill) => [...values, ...new Array(width - values.length).fill(fill)];
    const batch = {
      input_ids: rows.map((i) => pad(encodings[i].inputIds, 0)),
      attention_mask: rows.map((i) => pad(encodings[i].attentionMask, 0)),
      token_type_ids: rows.map((i) => pad(encodings[i].tokenTypeIds, 0)),
    };
    const t0 = performance.now();
    const out = model.forward(batch);
    const best = tf.tidy(() => tf.argMax(out.logits, -1));
    const ids = best.arraySync();
    ms += performance.now() - t0;
    tf.dispose([out.logits, best]);
    rows.forEach((sentence, r) => {
      const wordIds = encodings[sentence].wordIds();
      const tags = new Array(sentences[sentence].words.length).fill('O');
      const seen = new Set();
      wordIds.forEach((word, t) => {
        if (word === null || seen.has(word)) return;
        seen.add(word);
        tags[word] = id2label[ids[r][t]];
      });
      predictions[sentence] = tags;
    });
  }
  model.dispose();
  return { predictions, ms };
}

const ready = await useBackend('native');
if (!ready.ok) {
  console.log(`native backend not available: ${ready.reason}`);
  process.exit(0);
}
// Which bf16 product runs: vdpbf16ps by default where the CPU has AVX512_BF16, `widened` with
// NER_NATIVE_BF16_DOT=0 (the same module instance @ner/models loaded).
const nativeInfo = (
  await import(pathToFileURL(join(repoRoot, 'packages/tfjs-backend-native/dist/index.js')).href)
).nativeBackendInfo();
const sentences = validation();
const tokenizer = await pipelineInternal.loadPretrainedTokenizer(modelDir, {});
const fp32 = await predict('float32', sentences, tokenizer);
const bf16 = await predict('bf16', sentences, tokenizer);
const gold = sentences.map((s) => s.tags);
const key = (e, i) => `${i}:${e.join(',')}`;
const entitiesOf = (sequences) =>
  new Set(sequences.flatMap((tags, i) => seqeval.getEntities(tags).map((e) => key(e, i))));
const fp32Entities = entitiesOf(fp32.predictions);
const bf16Entities = entitiesOf(bf16.predictions);
const same = [...fp32Entities].filter((e) => bf16Entities.has(e)).length;
let words = 0;
let sameWords = 0;
for (const [i, tags] of fp32.predictions.entries()) {
  for (const [w, tag] of tags.entries()) {
    words += 1;
    if (bf16.predictions[i][w] === tag) sameWords += 1;
  }
}
const f1 = (pred) => seqeval.f1Score(gold, pred);
console.log(
  `model ${modelDir}; ${sentences.length} validation sentences, ${words} words; native backend, bf16 product: ${nativeInfo.bf16Product}`,
);
console.log(
  `entities: fp32 ${fp32Entities.size}, bf16 ${bf16Entities.size}; fp32 entities bf16 predicts identically ` +
    `${same} (${((100 * same) / Math.max(1, fp32Entities.size)).toFixed(2)}%); word tags identical ${((100 * sameWords) / words).toFixed(3)}%`,
);
const [f1Fp32, f1Bf16] = [f1(fp32.predictions), f1(bf16.predictions)];
console.log(
  `seqeval F1: fp32 ${(100 * f1Fp32).toFixed(2)}, bf16 ${(100 * f1Bf16).toFixed(2)} (difference ${(100 * (f1Bf16 - f1Fp32)).toFixed(2)} points)`,
);
console.log(
  `forward time (batches of 32, length-grouped): fp32 ${fp32.ms.toFixed(0)} ms, bf16 ${bf16.ms.toFixed(0)} ms`,
);
