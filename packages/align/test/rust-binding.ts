// The Rust `tokenizers` binding (devDependency, CommonJS), the parity oracle of these tests.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from 'vitest';
import { Tokenizer, toCodePointOffsets } from '../src/index.js';
import { vocabDir } from './corpora.js';

/** The parts of the binding's `Encoding` the tests read. */
export interface RustEncoding {
  getIds(): number[];
  getTokens(): string[];
  getOffsets(): number[][];
  getWordIds(): (number | null | undefined)[];
  getTypeIds(): number[];
  getSpecialTokensMask(): number[];
  getAttentionMask(): number[];
  getOverflowing(): RustEncoding[];
}

/** The parts of the binding's `Tokenizer` the tests call. */
export interface RustTokenizer {
  encode(input: string, pair?: string | null): Promise<RustEncoding>;
  encodeBatch(inputs: string[], options?: { addSpecialTokens?: boolean }): Promise<RustEncoding[]>;
  decode(ids: number[], skipSpecialTokens: boolean): Promise<string>;
  disableTruncation(): void;
  setTruncation(maxLength: number, options?: { stride?: number }): void;
}

const require = createRequire(import.meta.url);
const binding = require('tokenizers') as {
  Tokenizer: { fromFile(path: string): RustTokenizer };
  bertNormalizer(options: object): { normalizeString(s: string): string };
};

/** The binding's tokenizer for a tokenizer.json file. */
export const rustTokenizerFromFile = (path: string): RustTokenizer => binding.Tokenizer.fromFile(path);

/** The binding's tokenizer for one of the shared BERT vocabularies. */
export const rustTokenizer = (name: 'bert-base-cased' | 'bert-base-uncased'): RustTokenizer =>
  rustTokenizerFromFile(join(vocabDir(name), 'tokenizer.json'));

/** The binding's BertNormalizer. */
export const rustBertNormalizer = binding.bertNormalizer;

/**
 * Encodes `texts` with ours and with the binding (no truncation) and expects the
 * same ids, tokens, word ids and (code point) offsets for each; returns how many
 * texts were compared.
 */
export async function expectSameAsRust(
  vocab: 'bert-base-cased' | 'bert-base-uncased',
  texts: string[],
): Promise<number> {
  const ours = await Tokenizer.fromPretrained(vocabDir(vocab));
  const rust = rustTokenizer(vocab);
  rust.disableTruncation();
  const expected = await rust.encodeBatch(texts);
  expect(expected).toHaveLength(texts.length);
  let compared = 0;
  texts.forEach((text, i) => {
    const e = ours.encode(text);
    const r = expected[i]!;
    const label = `#${i} ${JSON.stringify(text)}`;
    expect(e.inputIds, label).toEqual(r.getIds());
    expect(e.tokens(), label).toEqual(r.getTokens());
    expect(e.wordIds(), label).toEqual(r.getWordIds().map((w) => w ?? null));
    expect(toCodePointOffsets(text, e.offsets), label).toEqual(r.getOffsets());
    compared++;
  });
  return compared;
}
