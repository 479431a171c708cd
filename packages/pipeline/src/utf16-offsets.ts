/**
 * Converts offsets counted in Unicode code points (what Rust `tokenizers` and
 * Python report) into JavaScript string indices (UTF-16 code units), so that
 * `text.slice(start, end)` is the token's text. Identity for BMP-only text.
 */
export function codePointToUtf16Offsets(
  text: string,
  offsets: readonly (readonly number[])[],
): [number, number][] {
  let hasAstral = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      hasAstral = true;
      break;
    }
  }
  if (!hasAstral) return offsets.map(([s, e]) => [s ?? 0, e ?? 0]);
  // utf16At[k] = UTF-16 index of code point k (with one extra entry for the end).
  const utf16At: number[] = [];
  let index = 0;
  for (const ch of text) {
    utf16At.push(index);
    index += ch.length;
  }
  utf16At.push(index);
  const at = (k: number) => utf16At[Math.min(k, utf16At.length - 1)]!;
  return offsets.map(([s, e]) => [at(s ?? 0), at(e ?? 0)]);
}
