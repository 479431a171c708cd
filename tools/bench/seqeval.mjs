#!/usr/bin/env node
// @ner/seqeval: tokens/s of scoring 1,000,000 tokens (CoNLL-like IOB2 tag mix, generated
// deterministically) with the evaluate-style `computeSeqeval` in default and strict (IOB2) mode,
// plus f1Score alone, next to a straight port of Python's get_entities + set-of-tuples F1 measured in
// the same run. Target: >= 5 million tokens/s on one core. Run `npx tsup` in packages/seqeval first.
import { computeSeqeval, f1Score } from '../../packages/seqeval/dist/index.js';

const TOKENS = 1_000_000;
const TYPES = ['PER', 'ORG', 'LOC', 'MISC'];

// Deterministic LCG so every run scores the same corpus.
let state = 20240601;
const random = () => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 4294967296;
};

// CoNLL-2003-like: sentences of 4–30 tokens, ~83% O, entities of 1–3 tokens.
function makeCorpus() {
  const references = [];
  let total = 0;
  while (total < TOKENS) {
    const length = Math.min(4 + Math.floor(random() * 27), TOKENS - total);
    const sentence = [];
    while (sentence.length < length) {
      if (random() < 0.1) {
        const type = TYPES[Math.floor(random() * TYPES.length)];
        const span = 1 + Math.floor(random() * 3);
        for (let k = 0; k < span && sentence.length < length; k++)
          sentence.push(`${k === 0 ? 'B' : 'I'}-${type}`);
      } else sentence.push('O');
    }
    references.push(sentence);
    total += length;
  }
  // Predictions: ~8% of tags replaced by another IOB2 tag (type or boundary errors).
  const vocabulary = ['O', ...TYPES.flatMap((t) => [`B-${t}`, `I-${t}`])];
  const predictions = references.map((sentence) =>
    sentence.map((tag) => (random() < 0.08 ? vocabulary[Math.floor(random() * vocabulary.length)] : tag)),
  );
  return { references, predictions, total };
}

// Peer: what a line-by-line port of seqeval does (split every tag, set of "type,start,end" strings).
function naiveEntities(sequences) {
  const seq = sequences.flatMap((s) => [...s, 'O']);
  seq.push('O');
  const chunks = [];
  let prevTag = 'O';
  let prevType = '';
  let begin = 0;
  seq.forEach((chunk, i) => {
    const tag = chunk[0];
    const type = chunk.slice(1).split('-').slice(1).join('-') || chunk.slice(1) || '_';
    const end =
      prevTag === 'E' ||
      prevTag === 'S' ||
      (['B', 'I'].includes(prevTag) && ['B', 'S', 'O'].includes(tag)) ||
      (prevTag !== 'O' && prevTag !== '.' && prevType !== type);
    if (end) chunks.push(`${prevType},${begin},${i - 1}`);
    const start =
      tag === 'B' ||
      tag === 'S' ||
      (['E', 'S', 'O'].includes(prevTag) && ['E', 'I'].includes(tag)) ||
      (tag !== 'O' && tag !== '.' && prevType !== type);
    if (start) begin = i;
    prevTag = tag;
    prevType = type;
  });
  return new Set(chunks);
}
function naiveF1(yTrue, yPred) {
  const t = naiveEntities(yTrue);
  const p = naiveEntities(yPred);
  let correct = 0;
  for (const e of p) if (t.has(e)) correct++;
  const precision = p.size ? correct / p.size : 0;
  const recall = t.size ? correct / t.size : 0;
  return precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
}

const { references, predictions, total } = makeCorpus();

function measure(label, fn) {
  fn(); // warm-up
  fn();
  const times = [];
  let result;
  for (let r = 0; r < 7; r++) {
    const start = process.hrtime.bigint();
    result = fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const rate = total / median;
  console.log(
    `${label.padEnd(44)} ${(median * 1000).toFixed(1).padStart(8)} ms  ${(rate / 1e6).toFixed(2).padStart(6)} M tokens/s`,
  );
  return { rate, result };
}

console.log(`corpus: ${total} tokens in ${references.length} sentences (IOB2, PER/ORG/LOC/MISC)`);
const silent = { onWarning: () => {} };
const peer = measure('peer: line-by-line port, micro F1', () => naiveF1(references, predictions));
const f1 = measure('f1Score (default mode)', () => f1Score(references, predictions, silent));
const evalDefault = measure('computeSeqeval (default mode)', () =>
  computeSeqeval(predictions, references, silent),
);
const evalStrict = measure('computeSeqeval (strict, IOB2)', () =>
  computeSeqeval(predictions, references, { ...silent, mode: 'strict', scheme: 'IOB2' }),
);
if (Math.abs(peer.result - f1.result) > 1e-12) {
  console.error(`mismatch: peer F1 ${peer.result} vs f1Score ${f1.result}`);
  process.exit(1);
}
console.log(
  `overall_f1 default ${evalDefault.result.overall_f1.toFixed(4)}, strict ${evalStrict.result.overall_f1.toFixed(4)}`,
);
console.log(
  `speed-up vs peer: f1Score ${(f1.rate / peer.rate).toFixed(1)}x, computeSeqeval default ${(evalDefault.rate / peer.rate).toFixed(1)}x, strict ${(evalStrict.rate / peer.rate).toFixed(1)}x`,
);
const slowest = Math.min(evalDefault.rate, evalStrict.rate);
console.log(`target >= 5 M tokens/s (computeSeqeval, both modes): ${slowest >= 5e6 ? 'met' : 'NOT met'}`);
