#!/usr/bin/env node
// @ner/collate: rows/s of DataCollatorForTokenClassification on 10,000 CoNLL-2003-length rows at batch 32,
// next to a plain nested-array padder (what a straight port of Python's list padding does) measured in the
// same run; and the padding that length grouping saves on all of CoNLL-2003 train at batch 32.
// Run `npx tsup` in packages/collate first.
import {
  DataCollatorForTokenClassification,
  DataLoader,
  LengthGroupedSampler,
  seededPermutation,
} from '../../packages/collate/dist/index.js';
import { conllSentences, tokenCounts } from './collate-data.mjs';

const BATCH = 32;
const ROWS = 10_000;

const sentences = conllSentences('train');
const allLengths = tokenCounts(sentences);
const lengths = allLengths.slice(0, ROWS);

// Rows as a tokenized Hugging Face dataset holds them (plain arrays, HF column names).
let state = 12345;
const nextId = () => {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return 1000 + (state % 27000);
};
const rows = lengths.map((n) => ({
  input_ids: Array.from({ length: n }, (_, j) => (j === 0 ? 101 : j === n - 1 ? 102 : nextId())),
  token_type_ids: new Array(n).fill(0),
  attention_mask: new Array(n).fill(1),
  labels: Array.from({ length: n }, (_, j) => (j === 0 || j === n - 1 ? -100 : j % 9)),
}));

// Peer: pad nested lists to the longest row, then flatten into Int32Arrays (no validation).
function naiveCollate(batch) {
  const width = Math.max(...batch.map((r) => r.input_ids.length));
  const padded = {};
  for (const [key, pad] of [
    ['input_ids', 0],
    ['token_type_ids', 0],
    ['attention_mask', 0],
    ['labels', -100],
  ]) {
    const nested = batch.map((r) => [...r[key], ...new Array(width - r[key].length).fill(pad)]);
    padded[key] = { data: Int32Array.from(nested.flat()), shape: [batch.length, width] };
  }
  return padded;
}

const collator = new DataCollatorForTokenClassification({ padTokenId: 0 });
const batches = [];
for (let s = 0; s < rows.length; s += BATCH) batches.push(rows.slice(s, s + BATCH));

function timeRowsPerSecond(label, fn) {
  for (let w = 0; w < 2; w++) for (const b of batches) fn(b); // warm-up
  const rounds = 5;
  const start = process.hrtime.bigint();
  let sink = 0;
  for (let r = 0; r < rounds; r++) for (const b of batches) sink += fn(b).input_ids.shape[1];
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = (rounds * rows.length) / seconds;
  console.log(
    `${label.padEnd(44)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} rows/s  (sink ${sink})`,
  );
  return rate;
}

console.log(
  `rows: ${rows.length} CoNLL-2003 train sentences, ${lengths.reduce((a, b) => a + b, 0)} tokens, batch ${BATCH}`,
);
const ours = timeRowsPerSecond('DataCollatorForTokenClassification.collate', (b) => collator.collate(b));
const peer = timeRowsPerSecond('naive nested-array padding (peer)', naiveCollate);
console.log(`ratio ours / peer: ${(ours / peer).toFixed(2)}x`);

const loader = new DataLoader(rows, { batchSize: BATCH, shuffle: true, collateFn: collator });
const loaderStart = process.hrtime.bigint();
let steps = 0;
for (const _ of loader) steps += 1;
const loaderSeconds = Number(process.hrtime.bigint() - loaderStart) / 1e9;
console.log(
  `${'DataLoader epoch (shuffle + collate)'.padEnd(44)} ${Math.round(rows.length / loaderSeconds)
    .toLocaleString('en-US')
    .padStart(12)} rows/s  (${steps} steps)`,
);

// Padding saved by group_by_length on all of CoNLL-2003 train.
function paddingOf(order) {
  let pad = 0;
  let real = 0;
  for (let s = 0; s < order.length; s += BATCH) {
    const batch = order.slice(s, s + BATCH).map((i) => allLengths[i]);
    const width = Math.max(...batch);
    for (const n of batch) {
      pad += width - n;
      real += n;
    }
  }
  return { pad, real };
}
const n = allLengths.length;
const random = paddingOf(seededPermutation(n, 42));
const grouped = paddingOf(
  new LengthGroupedSampler({ batchSize: BATCH, lengths: allLengths, seed: 42 }).order(0),
);
const pct = (x, total) => `${((100 * x) / total).toFixed(1)}%`;
console.log(`\nCoNLL-2003 train, ${n} sentences, batch ${BATCH}, bert-base-cased token counts:`);
console.log(
  `  random order:      ${random.pad} pad tokens (${pct(random.pad, random.pad + random.real)} of the batch)`,
);
console.log(
  `  group_by_length:   ${grouped.pad} pad tokens (${pct(grouped.pad, grouped.pad + grouped.real)} of the batch)`,
);
console.log(
  `  padding saved:     ${pct(random.pad - grouped.pad, random.pad)}  (${(random.pad / Math.max(grouped.pad, 1)).toFixed(1)}x less)`,
);
