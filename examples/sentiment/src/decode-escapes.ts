// The upstream tweet dump (cardiffnlp/xlm-t, see ../shared/data/README.md) keeps some
// characters as literal six-character escapes such as `\u2019` (’) and `\u002c` (,).
// Left alone, WordPiece cuts `i\u2019m` into `i \ u2 ##01 ##9 ##m`, which is noise.

const LITERAL_ESCAPE = /\\u([0-9a-fA-F]{4})/g;

/**
 * Replaces each literal `\uXXXX` in `text` with the UTF-16 code unit it names, so an
 * escaped surrogate pair (`\ud83d\ude02`) becomes the one emoji it encodes. Python:
 * `re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), text)` (plus pairing).
 */
export function decodeLiteralEscapes(text: string): string {
  return text.replace(LITERAL_ESCAPE, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
