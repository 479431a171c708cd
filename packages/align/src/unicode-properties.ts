import {
  CHINESE_CHARS,
  CLEAN_TEXT_REMOVED,
  COMBINING_CLASS_RANKS,
  DECOMPOSABLE,
  LOWERCASE_RUNS,
  LOWERCASE_SPECIAL,
  NONSPACING_MARKS,
  PUNCTUATION,
  WHITESPACE,
} from './unicode-tables.generated.js';

// Character classes of the Rust BERT normalizer and pre-tokenizer, frozen at the
// Unicode versions of the Rust crates (see unicode-tables.generated.ts), so that the
// running Node's own Unicode tables (regex \p{...}, toLowerCase) never decide a token.

/** Sorted inclusive ranges, flat: [start0, end0, start1, end1, ...]. */
function parseRanges(lines: readonly string[]): Uint32Array {
  const entries = lines.join('').split(',');
  const ranges = new Uint32Array(entries.length * 2);
  entries.forEach((entry, i) => {
    const dash = entry.indexOf('-');
    const start = Number.parseInt(dash < 0 ? entry : entry.slice(0, dash), 16);
    ranges[2 * i] = start;
    ranges[2 * i + 1] = dash < 0 ? start : Number.parseInt(entry.slice(dash + 1), 16);
  });
  return ranges;
}

/** Index of the last range starting at or before `cp`, or -1. */
function lastRangeAtOrBefore(starts: ArrayLike<number>, stride: number, cp: number): number {
  let lo = 0;
  let hi = starts.length / stride - 1;
  if (hi < 0 || cp < starts[0]!) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid * stride]! <= cp) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function inRanges(ranges: Uint32Array, cp: number): boolean {
  const i = lastRangeAtOrBefore(ranges, 2, cp);
  return i >= 0 && cp <= ranges[2 * i + 1]!;
}

const removedRanges = parseRanges(CLEAN_TEXT_REMOVED);
const whitespaceRanges = parseRanges(WHITESPACE);
const punctuationRanges = parseRanges(PUNCTUATION);
const chineseRanges = parseRanges(CHINESE_CHARS);
const nonspacingMarkRanges = parseRanges(NONSPACING_MARKS);
const decomposableRanges = parseRanges(DECOMPOSABLE);

/** Combining class runs, flat: [start, end, rank] per run. */
const combiningRuns = (() => {
  const entries = COMBINING_CLASS_RANKS.join('').split(',');
  const runs = new Uint32Array(entries.length * 3);
  entries.forEach((entry, i) => {
    const [range, rank] = entry.split(':') as [string, string];
    const dash = range.indexOf('-');
    const start = Number.parseInt(dash < 0 ? range : range.slice(0, dash), 16);
    runs[3 * i] = start;
    runs[3 * i + 1] = dash < 0 ? start : Number.parseInt(range.slice(dash + 1), 16);
    runs[3 * i + 2] = Number.parseInt(rank, 10);
  });
  return runs;
})();

/** Lowercase runs, flat: [start, end, step, delta] per run. */
const lowercaseRuns = (() => {
  const entries = LOWERCASE_RUNS.join('').split(',');
  const runs = new Int32Array(entries.length * 4);
  entries.forEach((entry, i) => {
    const match = /^([0-9a-f]+)(?:-([0-9a-f]+))?(\/2)?([+-]\d+)$/.exec(entry);
    if (!match) throw new Error(`unicode-tables.generated.ts: bad lowercase run ${JSON.stringify(entry)}`);
    const start = Number.parseInt(match[1]!, 16);
    runs[4 * i] = start;
    runs[4 * i + 1] = match[2] === undefined ? start : Number.parseInt(match[2], 16);
    runs[4 * i + 2] = match[3] === undefined ? 1 : 2;
    runs[4 * i + 3] = Number.parseInt(match[4]!, 10);
  });
  return runs;
})();

/** Deleted by clean_text: U+0000, U+FFFD and the Rust crate's Cc, Cf and Co (not unassigned code points). */
export function isCleanTextRemoved(cp: number): boolean {
  return inRanges(removedRanges, cp);
}

/** Rust `char::is_whitespace` (tab, newline and carriage return included). */
export function isRustWhitespace(cp: number): boolean {
  if (cp < 0x80) return cp === 32 || (cp >= 9 && cp <= 13);
  return inRanges(whitespaceRanges, cp);
}

/** BertPreTokenizer punctuation: ASCII punctuation and symbols, and the Rust crate's P* categories. */
export function isPunctuationCodePoint(cp: number): boolean {
  return inRanges(punctuationRanges, cp);
}

/** The CJK ranges of the original BERT code (`_is_chinese_char`). */
export function isChineseChar(cp: number): boolean {
  return inRanges(chineseRanges, cp);
}

/** Dropped by strip_accents after NFD (the Rust crate's Mn). */
export function isNonspacingMark(cp: number): boolean {
  return inRanges(nonspacingMarkRanges, cp);
}

/**
 * NFD of one code point as Rust's `unicode-normalization-alignments` gives it: the
 * code points it decomposes go through `String#normalize` (a character's canonical
 * decomposition never changes once assigned), every other one is left alone, even
 * where a newer Node would decompose it.
 */
export function decomposeCanonical(cp: number, ch: string): string {
  return inRanges(decomposableRanges, cp) ? ch.normalize('NFD') : ch;
}

/**
 * Where NFD's canonical ordering puts a code point among combining characters: 0 for
 * a starter (never moved), else the rank of its canonical combining class in Rust's
 * Unicode 9.0 data (higher sorts later; equal ranks keep their order).
 */
export function combiningClassRank(cp: number): number {
  if (cp < 0x300) return 0;
  const i = lastRangeAtOrBefore(combiningRuns, 3, cp);
  return i >= 0 && cp <= combiningRuns[3 * i + 1]! ? combiningRuns[3 * i + 2]! : 0;
}

/** Rust `char::to_lowercase` of one code point, as a string. */
export function lowercaseCodePoint(cp: number, ch: string): string {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 32) : ch;
  const special = LOWERCASE_SPECIAL.get(cp);
  if (special !== undefined) return special;
  const i = lastRangeAtOrBefore(lowercaseRuns, 4, cp);
  if (i < 0) return ch;
  const start = lowercaseRuns[4 * i]!;
  if (cp > lowercaseRuns[4 * i + 1]! || (cp - start) % lowercaseRuns[4 * i + 2]! !== 0) return ch;
  return String.fromCodePoint(cp + lowercaseRuns[4 * i + 3]!);
}
