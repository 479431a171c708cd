// The corpus vocabulary of the from-scratch job: what it keeps, how rare words tokenize, and that it
// saves and loads like any tokenizer (the pipeline reads it back from final/).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Tokenizer } from '@ner/align';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusTokenizer } from '../src/corpus-vocab.js';

const vocabDir = resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'data',
  'tokenizers',
  'bert-base-cased',
);
let base: Tokenizer;
let dir: string;

beforeAll(async () => {
  if (!existsSync(vocabDir))
    throw new Error(`bert-base-cased tokenizer files missing: ${vocabDir} (shared/ beside the repo)`);
  base = await Tokenizer.fromPretrained(vocabDir);
  dir = mkdtempSync(join(tmpdir(), 'ner-corpus-vocab-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sentences = [
  ['Peter', 'Blackburn', 'went', 'to', 'Brussels', '.'],
  ['Peter', 'went', 'to', 'London', '.'],
  ['Peter', 'Smith', 'went', 'to', 'Brussels', '.'],
];

describe('corpusTokenizer', () => {
  it('keeps special tokens first, frequent pieces and single characters, and drops the rest', () => {
    const tokenizer = corpusTokenizer(base, sentences, { minCount: 2 });
    const vocab = tokenizer.config.vocab;
    expect(vocab.get('[PAD]')).toBe(0);
    expect(tokenizer.padTokenId).toBe(0);
    for (const token of [
      '[UNK]',
      '[CLS]',
      '[SEP]',
      '[MASK]',
      'Peter',
      'went',
      'to',
      'Brussels',
      '.',
      'a',
      '##a',
      'Z',
    ])
      expect(vocab.has(token), token).toBe(true);
    // Used once: gone.
    for (const token of ['London', 'Smith', 'the']) expect(vocab.has(token), token).toBe(false);
    // Ids are dense and follow bert-base-cased's order.
    const ids = [...vocab.values()].sort((a, b) => a - b);
    expect(ids).toEqual(ids.map((_, i) => i));
    expect(vocab.get('Peter')!).toBeLessThan(vocab.get('Brussels')!);
    expect(tokenizer.vocabSize).toBeLessThan(base.vocabSize / 2);
  });

  it('splits a dropped word into kept pieces instead of [UNK]', () => {
    const tokenizer = corpusTokenizer(base, sentences, { minCount: 2 });
    const pieces = tokenizer.tokenize('London');
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('').replaceAll('##', '')).toBe('London');
    expect(pieces).not.toContain('[UNK]');
    expect(tokenizer.encode(['Peter', 'London'], { isSplitIntoWords: true }).wordIds()).toEqual([
      null,
      0,
      ...pieces.map(() => 1),
      null,
    ]);
  });

  it('saves and loads back with the same ids', async () => {
    const tokenizer = corpusTokenizer(base, sentences, { minCount: 2 });
    await tokenizer.savePretrained(dir);
    const reloaded = await Tokenizer.fromPretrained(dir);
    expect(reloaded.vocabSize).toBe(tokenizer.vocabSize);
    const text = 'Peter Blackburn went to London.';
    expect(reloaded.encode(text).inputIds).toEqual(tokenizer.encode(text).inputIds);
  });
});
