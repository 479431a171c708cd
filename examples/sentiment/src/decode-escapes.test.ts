import { describe, expect, it } from 'vitest';
import { decodeLiteralEscapes } from './decode-escapes.js';

describe('decodeLiteralEscapes', () => {
  it('decodes the escapes found in the sentiment set', () => {
    expect(decodeLiteralEscapes('okay i\\u2019m sorry\\u002c c\\u2019mon')).toBe('okay i’m sorry, c’mon');
  });

  it('joins an escaped surrogate pair into one character', () => {
    const out = decodeLiteralEscapes('lol \\ud83d\\ude02!');
    expect(out).toBe('lol 😂!');
    expect(out.codePointAt(4)).toBe(0x1f602);
  });

  it('leaves text without a full escape unchanged', () => {
    for (const s of ['plain', 'a \\u12 b', '\\x41', 'C:\\users', '\\U0001F602']) {
      expect(decodeLiteralEscapes(s)).toBe(s);
    }
  });
});
