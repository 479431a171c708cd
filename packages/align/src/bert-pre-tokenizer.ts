import { isPunctuationCodePoint, isRustWhitespace } from './unicode-properties.js';

/** A pre-token: a UTF-16 span [start, end) of the normalized string. */
export interface PreTokenSpan {
  start: number;
  end: number;
}

/**
 * Rust `is_bert_punc`: ASCII punctuation (incl. symbols like `$+<=>^`|~`) or the P*
 * categories of the Rust crate's (Unicode 8.0) tables, not the running Node's.
 */
export function isBertPunctuation(ch: string, cp: number = ch.codePointAt(0)!): boolean {
  return isBertPunctuationCodePoint(cp);
}

function isBertPunctuationCodePoint(cp: number): boolean {
  if (cp < 0x80) {
    return (
      (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)
    );
  }
  return isPunctuationCodePoint(cp);
}

/**
 * Splits like the Rust `BertPreTokenizer`: whitespace separates words and is
 * dropped, every punctuation character is a word of its own.
 */
export function bertPreTokenize(text: string): PreTokenSpan[] {
  const spans: PreTokenSpan[] = [];
  let wordStart = -1;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const cp = text.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    if (isRustWhitespace(cp)) {
      if (wordStart >= 0) spans.push({ start: wordStart, end: i });
      wordStart = -1;
    } else if (isBertPunctuationCodePoint(cp)) {
      if (wordStart >= 0) spans.push({ start: wordStart, end: i });
      wordStart = -1;
      spans.push({ start: i, end: i + width });
    } else if (wordStart < 0) {
      wordStart = i;
    }
    i += width;
  }
  if (wordStart >= 0) spans.push({ start: wordStart, end: n });
  return spans;
}
