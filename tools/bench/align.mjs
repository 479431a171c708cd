// Tokenize + align labels for all of CoNLL-2003 train (pre-split words, bert-base-cased):
// @ner/align against the Rust `tokenizers` binding (npm, 0.23.2), measured in the same run.
// The binding cannot take pre-split input, so it is timed two ways: on the space-joined text
// (its fastest path, one encodeBatch call) and word by word merged (the pre-split semantics).
// Run: (cd packages/align && npx tsup) && node tools/bench/align.mjs
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { alignLabelsWithTokens, loadTokenizer } from '../../packages/align/dist/index.js';
import { sharedPath } from '../test-support/index.js';

const require = createRequire(join(import.meta.dirname, '../../packages/align/package.json'));
const { Tokenizer } = require('tokenizers');

const LABELS = ['O', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC', 'I-MISC'];

function readConll(split) {
  const sentences = [];
  let words = [];
  let tags = [];
  for (const line of readFileSync(sharedPath('data', 'conll2003', `${split}.txt`), 'utf8').split('\n')) {
    if (line.trim() === '') {
      if (words.length > 0) sentences.push({ words, tags });
      words = [];
      tags = [];
    } else if (!line.startsWith('-DOCSTART-')) {
      const cols = line.split(' ');
      words.push(cols[0]);
      tags.push(Math.max(0, LABELS.indexOf(cols.at(-1))));
    }
  }
  if (words.length > 0) sentences.push({ words, tags });
  return sentences;
}

const sentences = readConll('train');
const nWords = sentences.reduce((n, s) => n + s.words.length, 0);
const dir = sharedPath('data', 'tokenizers', 'bert-base-cased');

async function time(label, fn, repeats = 3) {
  let best = Number.POSITIVE_INFINITY;
  let tokens = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    tokens = await fn();
    best = Math.min(best, performance.now() - t0);
  }
  const s = best / 1000;
  console.log(
    `${label.padEnd(52)} ${(sentences.length / s).toFixed(0).padStart(8)} sentences/s ${(nWords / s).toFixed(0).padStart(9)} words/s  (${tokens} tokens, best of ${repeats}: ${best.toFixed(0)} ms)`,
  );
  return nWords / s;
}

console.log(`CoNLL-2003 train: ${sentences.length} sentences, ${nWords} words; node ${process.version}`);

// First pass on a fresh tokenizer: its per-word WordPiece cache starts empty.
const cold = await loadTokenizer(dir);
await time(
  '@ner/align encode(words) + align, cold word cache',
  () => {
    let tokens = 0;
    for (const { words, tags } of sentences) {
      const e = cold.encode(words, { isSplitIntoWords: true, truncation: true, maxLength: 512 });
      tokens += alignLabelsWithTokens(tags, e.wordIds(), { labelNames: LABELS }).length;
    }
    return tokens;
  },
  1,
);
const ours = await loadTokenizer(dir);
const oursRate = await time('@ner/align encode(words) + alignLabelsWithTokens', () => {
  let tokens = 0;
  for (const { words, tags } of sentences) {
    const e = ours.encode(words, { isSplitIntoWords: true, truncation: true, maxLength: 512 });
    tokens += alignLabelsWithTokens(tags, e.wordIds(), { labelNames: LABELS }).length;
  }
  return tokens;
});
const oursText = await time('@ner/align encode(joined text)', () => {
  let tokens = 0;
  for (const { words } of sentences) tokens += ours.encode(words.join(' ')).length;
  return tokens;
});

const rust = Tokenizer.fromFile(join(dir, 'tokenizer.json'));
// No label alignment here: on joined text a word like "U.S." becomes several words.
const rustText = await time('tokenizers (Rust) encodeBatch(joined text)', async () => {
  const encodings = await rust.encodeBatch(sentences.map((s) => s.words.join(' ')));
  let tokens = 0;
  for (const e of encodings) tokens += e.getWordIds().length;
  return tokens;
});
const rustWords = await time(
  'tokenizers (Rust) word by word, merged (pre-split)',
  async () => {
    const flat = sentences.flatMap((s) => s.words);
    const encodings = await rust.encodeBatch(flat, { addSpecialTokens: false });
    let tokens = 0;
    for (const e of encodings) tokens += e.getIds().length + e.getOffsets().length * 0;
    return tokens + 2 * sentences.length;
  },
  1,
);

console.log(`ratio ours(words+align)/rust(joined text batch): ${(oursRate / rustText).toFixed(2)}x`);
console.log(`ratio ours(text)/rust(joined text batch):  ${(oursText / rustText).toFixed(2)}x`);
console.log(`ratio ours(words)/rust(word by word):      ${(oursRate / rustWords).toFixed(2)}x`);
