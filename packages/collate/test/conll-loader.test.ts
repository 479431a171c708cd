import { readFileSync } from 'node:fs';
import { sharedPath } from '@ner/test-support';
import { describe, expect, it } from 'vitest';
import {
  DataCollatorForTokenClassification,
  DataLoader,
  LengthGroupedSampler,
  seededPermutation,
} from '../src/index.js';

// Word counts of CoNLL-2003 train sentences (blank line ends a sentence, -DOCSTART- skipped).
function conllWordCounts(): number[] {
  const text = readFileSync(sharedPath('data', 'conll2003', 'train.txt'), 'utf8');
  const counts: number[] = [];
  let words = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (words > 0) counts.push(words);
      words = 0;
    } else if (!line.startsWith('-DOCSTART-')) {
      words += 1;
    }
  }
  if (words > 0) counts.push(words);
  return counts;
}

const wordCounts = conllWordCounts();
// [CLS] + one token per word + [SEP]: a lower bound of the real token count, fine for ordering tests.
const lengths = wordCounts.map((n) => n + 2);
const rows = lengths.map((n, i) => ({
  input_ids: Array.from({ length: n }, (_, j) =>
    j === 0 ? 101 : j === n - 1 ? 102 : 1000 + ((i + j) % 5000),
  ),
  labels: Array.from({ length: n }, (_, j) => (j === 0 || j === n - 1 ? -100 : 0)),
}));

function paddingTokens(order: number[], batchSize: number): number {
  let pad = 0;
  for (let s = 0; s < order.length; s += batchSize) {
    const batch = order.slice(s, s + batchSize).map((i) => lengths[i]!);
    const width = Math.max(...batch);
    for (const n of batch) pad += width - n;
  }
  return pad;
}

describe('loaders on CoNLL-2003 train', () => {
  it('has the 14041 sentences the Hugging Face dataset has', () => {
    expect(wordCounts.length).toBe(14041);
    expect(wordCounts.slice(0, 2)).toEqual([9, 2]);
  });

  it('group_by_length at batch 32 cuts padding to under a quarter of a random order', () => {
    const grouped = new LengthGroupedSampler({ batchSize: 32, lengths, seed: 42 }).order(0);
    expect(lengths[grouped[0]!]).toBe(Math.max(...lengths));
    expect(paddingTokens(grouped, 32) * 4).toBeLessThan(
      paddingTokens(seededPermutation(lengths.length, 42), 32),
    );
  });

  it('two processes see every sentence once per epoch, with collated batches of equal count', () => {
    const collator = new DataCollatorForTokenClassification({ padTokenId: 0 });
    const loaders = [0, 1].map(
      (processIndex) =>
        new DataLoader(rows, {
          batchSize: 32,
          shuffle: true,
          seed: 5,
          numProcesses: 2,
          processIndex,
          collateFn: collator,
        }),
    );
    const seen = new Uint8Array(rows.length);
    let repeats = 0;
    for (const loader of loaders) {
      expect(loader.length).toBe(Math.ceil(14041 / 64));
      for (const step of loader.steps()) {
        expect(step.batch.labels?.shape).toEqual(step.batch.input_ids.shape);
        step.indices.slice(0, step.indices.length - step.duplicates).forEach((i) => {
          seen[i]! += 1;
        });
        repeats += step.duplicates;
      }
    }
    expect(seen.every((count) => count === 1)).toBe(true);
    expect(repeats).toBe(64 - (14041 % 64));
    expect(loaders[0]!.remainder).toBe(14041 % 64);
  });
});
