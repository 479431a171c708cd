/** Settings of a `tokenizer.json` WordPiece decoder (`{"type": "WordPiece", "prefix", "cleanup"}`). */
export interface WordPieceDecoderOptions {
  /** Continuation prefix stripped from every token but the first (default `##`). */
  prefix?: string;
  /** Apply the English clean-up rules per token (`" ."` → `"."`, `" n't"` → `"n't"`, ...); default true. */
  cleanup?: boolean;
}

// The clean-up replacements of the Rust `tokenizers` WordPiece decoder, in its order.
const DECODER_CLEANUP: readonly (readonly [string, string])[] = [
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

// Python's `clean_up_tokenization` (run by `decode` on the whole string): Rust's list without " do not".
const TOKENIZATION_CLEANUP = DECODER_CLEANUP.filter(([from]) => from !== ' do not');

function replaceAll(text: string, rules: readonly (readonly [string, string])[]): string {
  let out = text;
  for (const [from, to] of rules) out = out.replaceAll(from, to);
  return out;
}

/**
 * Joins WordPiece tokens back into text as the Rust WordPiece decoder does
 * (Python fast tokenizers' `convert_tokens_to_string`): a token after the first
 * loses its prefix and is glued on, any other token gets a leading space; with
 * `cleanup`, the rules run on each token separately (so `["Dr", "."]` → `"Dr."`,
 * `["-", "Planck"]` → `"- Planck"`, `["'", "s"]` → `"' s"`). A prefix on the
 * first token is kept, as in Rust.
 */
export function decodeWordPieces(
  tokens: readonly string[],
  options: WordPieceDecoderOptions | string = {},
): string {
  // A string second argument is the prefix (the signature before 0.1).
  const { prefix = '##', cleanup = true } = typeof options === 'string' ? { prefix: options } : options;
  let out = '';
  tokens.forEach((token, i) => {
    let piece = token;
    if (i > 0) piece = token.startsWith(prefix) ? token.slice(prefix.length) : ` ${token}`;
    out += cleanup ? replaceAll(piece, DECODER_CLEANUP) : piece;
  });
  return out;
}

/** Python's `clean_up_tokenization` on a decoded string (what `decode` adds on top of the decoder). */
export function cleanUpTokenization(text: string): string {
  return replaceAll(text, TOKENIZATION_CLEANUP);
}
