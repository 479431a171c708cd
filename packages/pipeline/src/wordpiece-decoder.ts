/** Settings of a `tokenizer.json` WordPiece decoder (`{"type": "WordPiece", "prefix", "cleanup"}`). */
export interface WordPieceDecoderOptions {
  /** Continuation prefix stripped from every token but the first (default `##`). */
  prefix?: string;
  /** Apply the English clean-up rules (`" ."` → `"."`, `" n't"` → `"n't"`, ...); default true. */
  cleanup?: boolean;
}

// The clean-up replacements of the Rust `tokenizers` WordPiece decoder, in its order.
const CLEANUP_RULES: readonly (readonly [string, string])[] = [
  [' .', '.'],
  [' ?', '?'],
  [' !', '!'],
  [' ,', ','],
  [" ' ", "'"],
  [" n't", "n't"],
  [" 'm", "'m"],
  [' do not', " don't"],
  [" 's", "'s"],
  [" 've", "'ve"],
  [" 're", "'re"],
];

function cleanUp(text: string): string {
  let out = text;
  for (const [from, to] of CLEANUP_RULES) out = out.replaceAll(from, to);
  return out;
}

/**
 * Joins WordPiece tokens back into text the way Hugging Face fast tokenizers do
 * (`tokenizer.convert_tokens_to_string`, i.e. the Rust WordPiece decoder): a
 * token after the first loses its `##` prefix and is glued on, any other token
 * gets a leading space; with `cleanup`, the rules run on each token separately
 * (so `["Dr", "."]` → `"Dr."`, `["-", "Planck"]` → `"- Planck"`, `["'", "s"]` → `"' s"`).
 */
export function decodeWordPiece(tokens: readonly string[], options: WordPieceDecoderOptions = {}): string {
  const prefix = options.prefix ?? '##';
  const cleanup = options.cleanup ?? true;
  let out = '';
  tokens.forEach((token, i) => {
    let piece = token;
    if (i !== 0) piece = token.startsWith(prefix) ? token.slice(prefix.length) : ` ${token}`;
    out += cleanup ? cleanUp(piece) : piece;
  });
  return out;
}
