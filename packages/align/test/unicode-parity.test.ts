import { describe, expect, it } from 'vitest';
import { expectSameAsRust } from './rust-binding.js';
import { GENERAL_CATEGORIES, generatedTexts, mulberry32, PLANES } from './unicode-samples.js';

const RANDOM_TEXTS = 1500;

// NFD sorts runs of combining marks by class across characters (uncased strip_accents):
// marks of many classes, spacing marks with a class (U+302E, U+1D165), marks Rust's
// Unicode 9.0 data gives no class (U+0897, U+1DFA), decomposing characters, characters
// clean_text deletes between marks, CJK and spaces.
// biome-ignore format: a table
const REORDER_POOL = [
  '\u0301', '\u0316', '\u0334', '\u05b0', '\u0f71', '\u0f72', '\u0f74', '\u302e', '\u302f', '\u{1d165}',
  '\u{1d16d}', '\u0f39', '\u0345', '\u035c', '\u0360', '\u0897', '\u1dfa', '\u0315', '\u0323', '\u093c',
  'é', 'ǘ', '\u0344', '\u0958', '\u1e69', '\u2126', '\u{1d15e}', '\u1100\u1161', '\uac01',
  '\u200b', '\u00ad', '\u200e', 'a', 'K', ' ', '北', 'İ',
];

function reorderTexts(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    let text = '';
    const length = 2 + Math.floor(random() * 10);
    for (let k = 0; k < length; k++) text += REORDER_POOL[Math.floor(random() * REORDER_POOL.length)]!;
    return text;
  });
}
const generated = generatedTexts(20261205, RANDOM_TEXTS);

describe('generated text from every plane and general category', () => {
  it('holds every sample, all 17 planes and all 29 general categories (Cs cannot be in a string)', () => {
    expect(generated.samples).toBeGreaterThan(3000);
    expect(generated.texts.length).toBeGreaterThan(RANDOM_TEXTS + generated.samples / 6);
    expect([...generated.planes].sort((a, b) => a - b)).toEqual(Array.from({ length: PLANES }, (_, i) => i));
    expect([...generated.categories].sort()).toEqual([...GENERAL_CATEGORIES].sort());
  });
});

describe.each(['bert-base-cased', 'bert-base-uncased'] as const)(
  'generated Unicode text vs Rust tokenizers 0.23.2 (%s)',
  (vocab) => {
    it('ids, tokens, word ids and offsets identical on every generated string', async () => {
      const { texts } = generated;
      expect(await expectSameAsRust(vocab, texts)).toBe(texts.length);
    });

    it('3000 strings of combining marks that NFD reorders across characters: identical', async () => {
      expect(await expectSameAsRust(vocab, reorderTexts(3000, 14))).toBe(3000);
    });
  },
);
