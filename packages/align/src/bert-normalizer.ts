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

const WHITE_SPACE = /^\p{White_Space}$/u;
// Rust's `is_control`: categories Cc, Cf, Cn, Co (tab, newline and carriage return excepted).
const CONTROL = /^[\p{Cc}\p{Cf}\p{Cn}\p{Co}\p{Cs}]$/u;
const NONSPACING_MARK = /\p{Mn}/gu;

function isBertWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || WHITE_SPACE.test(ch);
}

function isBertControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return CONTROL.test(ch);
}

/** The CJK ranges of the original BERT code (`_is_chinese_char`). */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/**
 * Normalizes text exactly as the Rust `BertNormalizer` (clean_text, then
 * handle_chinese_chars, then strip_accents = NFD + drop Mn, then lowercase),
 * one original code point at a time so every output unit keeps its source span.
 */
export class BertNormalizer {
  readonly options: BertNormalizerOptions;
  private readonly stripAccents: boolean;
  /** Per non-ASCII code point: its normalized replacement (may be empty). Cached: corpora repeat characters. */
  private readonly cache = new Map<number, string>();

  constructor(options: BertNormalizerOptions) {
    this.options = options;
    this.stripAccents = options.stripAccents ?? options.lowercase;
  }

  /** What one original character becomes (for ASCII and non-ASCII alike). */
  private mapChar(cp: number, ch: string): string {
    const cached = this.cache.get(cp);
    if (cached !== undefined) return cached;
    let out = ch;
    if (this.options.cleanText) {
      if (cp === 0 || cp === 0xfffd || isBertControl(ch)) out = '';
      else if (isBertWhitespace(ch)) out = ' ';
    }
    if (out !== '' && out !== ' ') {
      if (this.options.handleChineseChars && isChineseChar(cp)) out = ` ${out} `;
      if (this.stripAccents) out = out.normalize('NFD').replace(NONSPACING_MARK, '');
      if (this.options.lowercase) out = lowercasePerChar(out);
    }
    this.cache.set(cp, out);
    return out;
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
    let i = 0;
    while (i < n) {
      const cp = text.codePointAt(i) as number;
      const width = cp > 0xffff ? 2 : 1;
      const ch = width === 1 ? text[i]! : text.slice(i, i + 2);
      const out = this.mapChar(cp, ch);
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
}

/** Rust `char::to_lowercase` on each character (no context-dependent final sigma, unlike `String#toLowerCase`). */
function lowercasePerChar(s: string): string {
  let out = '';
  for (const ch of s) out += ch === '\u03a3' ? '\u03c3' : ch.toLowerCase();
  return out;
}
