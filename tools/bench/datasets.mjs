#!/usr/bin/env node
// @ner/datasets: time to read and convert CoNLL-2003 train (~200k tokens) into a typed Dataset, next to a
// bare split-lines-and-push parser measured in the same run (the floor: no validation, no label ids, no
// errors with line numbers); plus shuffle and map on the result. Run `npx tsup` in packages/hub and
// packages/datasets first.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset, readConll } from '../../packages/datasets/dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.NER_SHARED_DIR ?? resolve(here, '..', '..', '..', 'shared');
const trainPath = join(shared, 'data', 'conll2003', 'train.txt');
const folder = join(shared, 'data', 'conll2003');

function bareParse(text) {
  const sentences = [];
  let tokens = [];
  let tags = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('-DOCSTART-')) {
      if (tokens.length > 0) sentences.push({ tokens, tags });
      tokens = [];
      tags = [];
      continue;
    }
    const fields = line.split(' ');
    tokens.push(fields[0]);
    tags.push(fields[3]);
  }
  if (tokens.length > 0) sentences.push({ tokens, tags });
  return sentences;
}

async function best(label, runs, fn) {
  let min = Number.POSITIVE_INFINITY;
  let result;
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    result = await fn();
    min = Math.min(min, Number(process.hrtime.bigint() - start) / 1e6);
  }
  console.log(`${label.padEnd(58)} ${min.toFixed(1).padStart(8)} ms (best of ${runs})`);
  return { ms: min, result };
}

const RUNS = 7;
const bare = await best('bare parser (readFileSync + split, no checks)', RUNS, () =>
  bareParse(readFileSync(trainPath, 'utf8')),
);
const ours = await best('readConll(train.txt) → Dataset (checked, ClassLabel ids)', RUNS, () =>
  readConll(trainPath, {
    columns: ['tokens', 'pos_tags', 'chunk_tags', 'ner_tags'],
  }),
);
const all = await best('loadDataset(conll2003 folder), 3 splits, Hub label order', RUNS, () =>
  loadDataset(folder),
);
const train = ours.result;
await best('shuffle({seed: 42}) of 14041 rows (numpy PCG64 exact)', RUNS, () => train.shuffle({ seed: 42 }));
await best('map(row → {n: tokens.length}) over 14041 rows', RUNS, () =>
  train.map((row) => ({ n: row.tokens.length })),
);
await best('map batched (batchSize 1000) same', RUNS, () =>
  train.map((batch) => ({ n: batch.tokens.map((t) => t.length) }), { batched: true }),
);
console.log(
  `\nrows ${train.numRows}, sentences (bare) ${bare.result.length}, splits ${JSON.stringify(all.result.numRows)}`,
);
console.log(`ratio readConll / bare parser: ${(ours.ms / bare.ms).toFixed(2)}x`);
console.log(
  `CoNLL-2003 train read+convert: ${ours.ms < 1000 ? 'under' : 'OVER'} one second (${ours.ms.toFixed(0)} ms)`,
);
