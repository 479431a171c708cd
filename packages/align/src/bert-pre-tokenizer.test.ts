import { describe, expect, it } from 'vitest';
import { bertPreTokenize, isBertPunctuation } from './bert-pre-tokenizer.js';

const words = (text: string) => bertPreTokenize(text).map(({ start, end }) => text.slice(start, end));

describe('bertPreTokenize', () => {
  it('splits on whitespace and isolates every punctuation character', () => {
    expect(words("Don't stop...now")).toEqual(['Don', "'", 't', 'stop', '.', '.', '.', 'now']);
    expect(words('  a  b ')).toEqual(['a', 'b']);
    expect(words('')).toEqual([]);
  });

  it('treats ASCII symbols as punctuation, like Rust is_ascii_punctuation', () => {
    for (const ch of '$+<=>^`|~') expect(isBertPunctuation(ch, ch.codePointAt(0)!)).toBe(true);
    expect(words('a+b=c')).toEqual(['a', '+', 'b', '=', 'c']);
  });

  it('uses Unicode P* categories beyond ASCII, but not symbols like € or ™', () => {
    expect(words('«x»—y')).toEqual(['«', 'x', '»', '—', 'y']);
    expect(words('5€™')).toEqual(['5€™']);
  });
});
