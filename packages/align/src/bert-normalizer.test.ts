import { describe, expect, it } from 'vitest';
import { BertNormalizer } from './bert-normalizer.js';

const uncased = new BertNormalizer({
  cleanText: true,
  handleChineseChars: true,
  stripAccents: null,
  lowercase: true,
});
const cased = new BertNormalizer({
  cleanText: true,
  handleChineseChars: true,
  stripAccents: null,
  lowercase: false,
});

describe('BertNormalizer', () => {
  it('lowercases and strips accents (NFD, drop Mn) when lowercasing, keeping each char its source span', () => {
    const n = uncased.normalize('Café');
    expect(n.normalized).toBe('cafe');
    expect([...n.originalStart]).toEqual([0, 1, 2, 3]);
    expect([...n.originalEnd]).toEqual([1, 2, 3, 4]);
  });

  it('keeps accents when cased', () => {
    expect(cased.normalize('Café').normalized).toBe('Café');
  });

  it('removes control and format characters and turns whitespace into spaces', () => {
    const n = cased.normalize('a\u00adb\tc\u200ed');
    expect(n.normalized).toBe('ab cd');
    expect([...n.originalStart]).toEqual([0, 2, 3, 4, 6]);
  });

  it('surrounds CJK characters with spaces that point at the character', () => {
    const n = cased.normalize('a京b');
    expect(n.normalized).toBe('a 京 b');
    expect([...n.originalStart]).toEqual([0, 1, 1, 1, 2]);
    expect([...n.originalEnd]).toEqual([1, 2, 2, 2, 3]);
  });

  it('maps an astral character to both of its UTF-16 units', () => {
    const n = cased.normalize('😀x');
    expect([...n.originalStart]).toEqual([0, 0, 2]);
    expect([...n.originalEnd]).toEqual([2, 2, 3]);
  });
});
