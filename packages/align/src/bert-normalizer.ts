import { BoundedMemo } from './bounded-memo.js';
import {
  combiningClassRank,
  decomposeCanonical,
  isChineseChar,
  isCleanTextRemoved,
  isNonspacingMark,
  isRustWhitespace,
  lowercaseCodePoint,
} from './unicode-properties.js';

/** Options of the Rust `BertNormalizer` (names as in tokenizer.json, camelCased). */
export interface BertNormalizerOptions {
  cleanText: boolean;
  handleChineseChars: boolean;
  /** `null` means "follow `lowercase`", as in the Rust and Python tokenizers. */
  stripAccents: boolean | null;
  lowercase: boolean;
}

/**
 * A normalized string with, for every UTF-16 unit of it, the UTF-16 span of the
 * original character it came from. Offsets of tokens are read through this map,
 * which is what makes `text.slice(start, end)` work on the original text.
 */
export interface NormalizedText {
  normalized: string;
  /** originalStart[i] / originalEnd[i]: span in the original text of normalized unit i. */
  originalStart: Int32Array;
  originalEnd: Int32Array;
}

/**
 * Normalizes text exactly as the Rust `BertNormalizer` (clean_text, then
 * handle_chinese_chars, then strip_accents = NFD + drop Mn, then lowercase),
 * one original code point at a time so every output unit keeps its source span.
 */
export class BertNormalizer {
  readonly options: BertNormalizerOptions;
  private readonly stripAccents: boolean;
  /** Per code point: what it becomes (see {@link CharMapping}); bounded for text that walks every code point. */
  private readonly mappings = new BoundedMemo<number, CharMapping>(65_536, (cp) =>
    this.mapUncached(cp, String.fromCodePoint(cp)),
  );

  constructor(options: BertNormalizerOptions) {
    this.options = options;
    this.stripAccents = options.stripAccents ?? options.lowercase;
  }

  /** clean_text and handle_chinese_chars of one character: the steps before NFD. */
  private cleanAndSpace(cp: number, ch: string): string {
    if (this.options.cleanText) {
      if (isCleanTextRemoved(cp)) return '';
      if (isRustWhitespace(cp)) return ' ';
    }
    return this.options.handleChineseChars && isChineseChar(cp) ? ` ${ch} ` : ch;
  }

  /** What one original character becomes on its own (for ASCII and non-ASCII alike). */
  private mapUncached(cp: number, ch: string): CharMapping {
    let out = this.cleanAndSpace(cp, ch);
    let edges = out === '' ? -1 : 0;
    if (out !== '' && out !== ' ') {
      if (this.stripAccents) {
        const decomposed = decomposeCanonical(cp, out);
        const first = combiningClassRank(decomposed.codePointAt(0)!);
        const last = combiningClassRank(lastCodePoint(decomposed));
        edges = (first << 8) | last;
        out = stripAccents(decomposed);
      }
      if (this.options.lowercase) out = lowercasePerChar(out);
    }
    return { out, edges };
  }

  normalize(text: string): NormalizedText {
    const n = text.length;
    // Fast path: printable ASCII without anything to change except case.
    let simple = true;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c > 0x7e) {
        simple = false;
        break;
      }
    }
    if (simple) {
      const originalStart = new Int32Array(n);
      const originalEnd = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        originalStart[i] = i;
        originalEnd[i] = i + 1;
      }
      return { normalized: this.options.lowercase ? text.toLowerCase() : text, originalStart, originalEnd };
    }
    const parts: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    // Combining class rank that ends the NFD text so far: when the next character starts
    // with a lower one, NFD reorders across characters and the slow path takes over.
    let previousLast = 0;
    let i = 0;
    while (i < n) {
      const [cp, width] = codePointAt(text, i);
      const { out, edges } = this.mappings.get(cp);
      if (edges >= 0) {
        const first = edges >> 8;
        if (first > 0 && previousLast > first) return this.normalizeReordering(text);
        previousLast = edges & 0xff;
      }
      if (out.length > 0) {
        parts.push(out);
        for (let k = 0; k < out.length; k++) {
          starts.push(i);
          ends.push(i + width);
        }
      }
      i += width;
    }
    return {
      normalized: parts.join(''),
      originalStart: Int32Array.from(starts),
      originalEnd: Int32Array.from(ends),
    };
  }

  /**
   * The whole Rust sequence for text where NFD moves combining marks across
   * characters. Rust's NFD sorts the characters of each run of combining marks by
   * class but leaves the alignments where they were: a character takes the span of
   * the slot it lands in (an added one, the span of the slot before it). Then
   * strip_accents drops nonspacing marks, and lowercase maps each character.
   */
  private normalizeReordering(text: string): NormalizedText {
    const slotStarts: number[] = [];
    const slotEnds: number[] = [];
    const items: { cp: number; added: boolean; rank: number }[] = [];
    for (let i = 0; i < text.length; ) {
      const [cp, width, ch] = codePointAt(text, i);
      for (const c of this.cleanAndSpace(cp, ch)) {
        slotStarts.push(i);
        slotEnds.push(i + width);
        let added = false;
        for (const piece of decomposeCanonical(c.codePointAt(0)!, c)) {
          const pieceCp = piece.codePointAt(0)!;
          items.push({ cp: pieceCp, added, rank: combiningClassRank(pieceCp) });
          added = true;
        }
      }
      i += width;
    }
    sortCombiningRuns(items);
    const parts: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    let slot = -1;
    for (const item of items) {
      if (!item.added) slot++;
      if (isNonspacingMark(item.cp)) continue;
      const ch = String.fromCodePoint(item.cp);
      const out = this.options.lowercase ? lowercaseCodePoint(item.cp, ch) : ch;
      parts.push(out);
      for (let k = 0; k < out.length; k++) {
        starts.push(slot < 0 ? 0 : slotStarts[slot]!);
        ends.push(slot < 0 ? 0 : slotEnds[slot]!);
      }
    }
    return {
      normalized: parts.join(''),
      originalStart: Int32Array.from(starts),
      originalEnd: Int32Array.from(ends),
    };
  }
}

/**
 * One original character after the normalizer: `out`, and for NFD's canonical
 * ordering, `edges`: -1 when clean_text removed it (NFD never sees it), else the
 * combining class ranks of the first and last character of its NFD (first << 8 | last).
 */
interface CharMapping {
  out: string;
  edges: number;
}

/** Code point, UTF-16 width and text of the character at `i`; a lone surrogate reads as U+FFFD, as Rust gets it. */
function codePointAt(text: string, i: number): [number, number, string] {
  const cp = text.codePointAt(i)!;
  if (cp > 0xffff) return [cp, 2, text.slice(i, i + 2)];
  if (cp >= 0xd800 && cp <= 0xdfff) return [0xfffd, 1, '\ufffd'];
  return [cp, 1, text[i]!];
}

function lastCodePoint(s: string): number {
  const last = s.charCodeAt(s.length - 1);
  return last >= 0xdc00 && last <= 0xdfff && s.length > 1 ? s.codePointAt(s.length - 2)! : last;
}

/** Stable sort by rank of each run of items with rank > 0 (runs are short: insertion sort). */
function sortCombiningRuns(items: { rank: number }[]): void {
  for (let i = 1; i < items.length; i++) {
    const item = items[i]!;
    if (item.rank === 0) continue;
    let j = i;
    while (j > 0 && items[j - 1]!.rank > item.rank) {
      items[j] = items[j - 1]!;
      j--;
    }
    items[j] = item;
  }
}

/** Drops the nonspacing marks (Rust crate's Mn table) of an NFD string. */
function stripAccents(s: string): string {
  let out = '';
  for (const ch of s) if (!isNonspacingMark(ch.codePointAt(0)!)) out += ch;
  return out;
}

/** Rust `char::to_lowercase` on each character (no context-dependent final sigma, unlike `String#toLowerCase`). */
function lowercasePerChar(s: string): string {
  let out = '';
  for (const ch of s) out += lowercaseCodePoint(ch.codePointAt(0)!, ch);
  return out;
}
