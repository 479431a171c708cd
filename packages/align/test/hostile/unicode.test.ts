import { beforeAll, describe, expect, it } from 'vitest';
import {
  BertNormalizer,
  loadTokenizer,
  toCodePointOffsets,
  type WordPieceTokenizer,
} from '../../src/index.js';
import { vocabDir } from '../corpora.js';
import { type RustEncoding, rustBertNormalizer, rustTokenizer } from '../rust-binding.js';

// Characters that Node 20.20's Unicode 17 tables classify differently from the Unicode
// versions frozen in the Rust crates (unicode_categories: Unicode 8.0, NFD: 9.0). Each
// test pins the Rust binding's answer and checks it against the binding too.

type Vocab = 'bert-base-cased' | 'bert-base-uncased';
const tokenizers = {} as Record<Vocab, WordPieceTokenizer>;
const rustTokenizers = {} as Record<Vocab, { encode(text: string): Promise<RustEncoding> }>;
beforeAll(async () => {
  for (const vocab of ['bert-base-cased', 'bert-base-uncased'] as const) {
    tokenizers[vocab] = await loadTokenizer(vocabDir(vocab));
    rustTokenizers[vocab] = rustTokenizer(vocab);
  }
});

interface Tokens {
  tokens: string[];
  offsets: (readonly number[])[];
}

/** Our tokens and code point offsets, after checking they equal the Rust binding's. */
async function encode(vocab: Vocab, text: string): Promise<Tokens> {
  const e = tokenizers[vocab].encode(text);
  const ours = { tokens: e.tokens(), offsets: toCodePointOffsets(text, e.offsets) };
  const rust = await rustTokenizers[vocab].encode(text);
  expect(ours, `${vocab} ${JSON.stringify(text)}`).toEqual({
    tokens: rust.getTokens(),
    offsets: rust.getOffsets(),
  });
  return ours;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** `text(character)` gives the `expected` tokens (and offsets, when given) for every one of `codePoints`. */
async function expectEachCodePoint(
  vocab: Vocab,
  codePoints: readonly number[],
  text: (character: string) => string,
  expected: { tokens: string[]; offsets?: number[][] },
): Promise<void> {
  for (const cp of codePoints) {
    const { tokens, offsets } = await encode(vocab, text(String.fromCodePoint(cp)));
    const where = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
    expect(tokens, where).toEqual(expected.tokens);
    if (expected.offsets) expect(offsets, where).toEqual(expected.offsets);
  }
}

describe('hostile Unicode: characters newer than the Rust tables', () => {
  it('U+0378 (unassigned) is an [UNK] word, not deleted as a control character', async () => {
    for (const vocab of ['bert-base-cased', 'bert-base-uncased'] as const) {
      const { tokens, offsets } = await encode(vocab, 'Paris \u0378 London');
      expect(tokens.slice(2, 3)).toEqual(['[UNK]']);
      expect(offsets).toEqual([
        [0, 0],
        [0, 5],
        [6, 7],
        [8, 14],
        [0, 0],
      ]);
      expect(await encode(vocab, 'x\u0378y')).toEqual({
        tokens: ['[CLS]', '[UNK]', '[SEP]'],
        offsets: [
          [0, 0],
          [0, 3],
          [0, 0],
        ],
      });
    }
  });

  it('U+FDD0 and the other noncharacters are kept as [UNK]', async () => {
    expect((await encode('bert-base-cased', 'Paris \ufdd0 London')).tokens).toEqual([
      '[CLS]',
      'Paris',
      '[UNK]',
      'London',
      '[SEP]',
    ]);
    const nonCharacters = [
      ...range(0xfdd0, 0xfdef),
      ...range(0, 16).flatMap((p) => [p * 0x10000 + 0xfffe, p * 0x10000 + 0xffff]),
    ];
    expect(nonCharacters.length).toBe(66);
    await expectEachCodePoint('bert-base-uncased', nonCharacters, (ch) => `a ${ch} b`, {
      tokens: ['[CLS]', 'a', '[UNK]', 'b', '[SEP]'],
    });
  });

  it('U+0890 (format character of Unicode 14) is kept, not deleted', async () => {
    expect(await encode('bert-base-cased', 'pay \u0890100')).toEqual({
      tokens: ['[CLS]', 'pay', '[UNK]', '[SEP]'],
      offsets: [
        [0, 0],
        [0, 3],
        [4, 8],
        [0, 0],
      ],
    });
    // U+0891, and the format characters of Unicode 9 to 12 (U+08E2, U+110CD, U+13430..U+13438).
    const formatCharacters = [0x0891, 0x08e2, 0x110cd, ...range(0x13430, 0x13438)];
    await expectEachCodePoint('bert-base-uncased', formatCharacters, (ch) => `x${ch}`, {
      tokens: ['[CLS]', '[UNK]', '[SEP]'],
    });
  });

  it('U+2E43..U+2E5D (punctuation of Unicode 9 to 14) stay inside the word', async () => {
    expect(await encode('bert-base-cased', 'Paris\u2e43 London')).toEqual({
      tokens: ['[CLS]', '[UNK]', 'London', '[SEP]'],
      offsets: [
        [0, 0],
        [0, 6],
        [7, 13],
        [0, 0],
      ],
    });
    const marks = range(0x2e43, 0x2e5d);
    expect(marks.length).toBe(27);
    await expectEachCodePoint('bert-base-uncased', marks, (ch) => `a${ch}b`, {
      tokens: ['[CLS]', '[UNK]', '[SEP]'],
      offsets: [
        [0, 0],
        [0, 3],
        [0, 0],
      ],
    });
  });

  it('U+0897 (combining mark of Unicode 16) is not stripped as an accent', async () => {
    expect(await encode('bert-base-uncased', 'Pere\u0897 Paris')).toEqual({
      tokens: ['[CLS]', '[UNK]', 'paris', '[SEP]'],
      offsets: [
        [0, 0],
        [0, 5],
        [6, 11],
        [0, 0],
      ],
    });
    const uncased = new BertNormalizer({
      cleanText: true,
      handleChineseChars: true,
      stripAccents: null,
      lowercase: true,
    });
    for (const cp of range(0x0897, 0x089f)) {
      const ch = String.fromCodePoint(cp);
      expect(uncased.normalize(`e${ch}`).normalized).toBe(`e${ch}`);
    }
  });

  it('U+11938 (decomposes since Unicode 13) is left whole by strip_accents, as Rust NFD does', () => {
    const options = { cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true };
    const rust = rustBertNormalizer(options);
    for (const text of ['\u{11938}', '\u{105c9}', '\u{16d68}']) {
      expect(new BertNormalizer(options).normalize(text).normalized).toBe(text);
      expect(rust.normalizeString(text)).toBe(text);
    }
  });

  it('NFD reordering across characters moves spans like Rust (U+302E then U+0F39)', async () => {
    // NFD puts U+0F39 (class 216) before U+302E (224), strip_accents drops U+0F39, and
    // U+302E keeps the span of the slot it moved into: the word ends at 3, not 2.
    expect(await encode('bert-base-uncased', 'k\u302e\u0f39 x')).toEqual({
      tokens: ['[CLS]', '[UNK]', 'x', '[SEP]'],
      offsets: [
        [0, 0],
        [0, 3],
        [4, 5],
        [0, 0],
      ],
    });
  });

  it('a lone surrogate is deleted like the U+FFFD the binding turns it into', async () => {
    expect(await encode('bert-base-cased', 'Lone \ud800 surrogate')).toEqual({
      tokens: ['[CLS]', 'Lone', 'sur', '##rogate', '[SEP]'],
      offsets: [
        [0, 0],
        [0, 4],
        [7, 10],
        [10, 16],
        [0, 0],
      ],
    });
  });
});
