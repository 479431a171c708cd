/** Python's `clean_up_tokenization`: no space before punctuation and English contractions. */
function cleanup(s: string): string {
  return s
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(' do not', " don't")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

/** The Rust WordPiece decoder (with cleanup): `##` pieces glue to the previous token, others get a space. */
export function decodeWordPieces(tokens: readonly string[], prefix = '##'): string {
  let out = '';
  tokens.forEach((token, i) => {
    // As Rust: the first token is kept as is, even when it starts with the prefix.
    let piece = token;
    if (i > 0) piece = token.startsWith(prefix) ? token.slice(prefix.length) : ` ${token}`;
    out += cleanup(piece);
  });
  return out;
}
