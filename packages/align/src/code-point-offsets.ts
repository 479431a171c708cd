import type { Offset } from './encoding.js';

/**
 * Converts our UTF-16 offsets into the code-point offsets Python (and the Rust
 * `tokenizers` binding) report. They differ only after astral characters
 * (emoji, rare CJK), which take two UTF-16 units but one code point.
 */
export function toCodePointOffsets(text: string, offsets: readonly Offset[]): Offset[] {
  const codePointAt = utf16ToCodePointIndex(text);
  return offsets.map(([s, e]) => [codePointAt[s] ?? s, codePointAt[e] ?? e]);
}

/** The reverse of {@link toCodePointOffsets}. */
export function fromCodePointOffsets(text: string, offsets: readonly Offset[]): Offset[] {
  const utf16At: number[] = [];
  let index = 0;
  for (const ch of text) {
    utf16At.push(index);
    index += ch.length;
  }
  utf16At.push(index);
  return offsets.map(([s, e]) => [utf16At[s] ?? s, utf16At[e] ?? e]);
}

function utf16ToCodePointIndex(text: string): Int32Array {
  const map = new Int32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = cp;
    const c = text.charCodeAt(i);
    const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
    // The low surrogate of a pair shares its code point index with the high one;
    // a lone surrogate is one code point (U+FFFD to Rust), like `for...of` counts it.
    if (!(c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff)) cp++;
    else {
      map[i + 1] = cp;
      i++;
      cp++;
    }
  }
  map[text.length] = cp;
  return map;
}
