import { describe, expect, it } from 'vitest';
import { codePointToUtf16Offsets } from './utf16-offsets.js';

describe('codePointToUtf16Offsets', () => {
  it('is the identity for BMP text', () => {
    expect(codePointToUtf16Offsets('Zürich', [[0, 6]])).toEqual([[0, 6]]);
  });
  it('shifts offsets after an astral character', () => {
    // "😀" is one code point but two UTF-16 units: "Berlin" is code points 2..8, JS indices 3..9.
    const text = '😀 Berlin';
    const [emoji, berlin] = codePointToUtf16Offsets(text, [
      [0, 1],
      [2, 8],
    ]);
    expect(emoji).toEqual([0, 2]);
    expect(berlin).toEqual([3, 9]);
    expect(text.slice(3, 9)).toBe('Berlin');
  });
});
