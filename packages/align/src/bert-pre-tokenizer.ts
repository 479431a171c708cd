/** A pre-token: a UTF-16 span [start, end) of the normalized string. */
export interface PreTokenSpan {
  start: number;
  end: number;
}

const PUNCTUATION = /^\p{P}$/u;
const WHITE_SPACE = /^\p{White_Space}$/u;

/** Rust `is_bert_punc`: ASCII punctuation (incl. symbols like `$+<=>^`|~`) or Unicode P* categories. */
export function isBertPunctuation(ch: string, cp: number): boolean {
  if (cp < 0x80) {
    return (
      (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)
    );
  }
  return PUNCTUATION.test(ch);
}

function isWhitespace(ch: string, cp: number): boolean {
  if (cp < 0x80) return cp === 32 || (cp >= 9 && cp <= 13);
  return WHITE_SPACE.test(ch);
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
    const ch = width === 1 ? text[i]! : text.slice(i, i + 2);
    if (isWhitespace(ch, cp)) {
      if (wordStart >= 0) spans.push({ start: wordStart, end: i });
      wordStart = -1;
    } else if (isBertPunctuation(ch, cp)) {
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
