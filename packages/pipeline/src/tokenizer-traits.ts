import { decodeWordPiece } from './wordpiece-decoder.js';

/**
 * What post-processing needs from a tokenizer, reduced to plain data and two
 * functions so the aggregation code does not depend on any tokenizer class.
 */
export interface TokenizerTraits {
  /**
   * The model's `continuing_subword_prefix` (`"##"` for WordPiece). When set, a
   * token is a sub-word iff its length differs from the text span it covers (the
   * rule of transformers 4.38); when null, Python's fallback heuristic is used: a
   * token is a sub-word when the character before it is not a space.
   */
  continuingSubwordPrefix: string | null;
  /** Id of `[UNK]`; such tokens take their word from the text and never count as sub-words. */
  unkTokenId: number | null;
  /** `convert_tokens_to_string`: joins tokens (or words) into display text. */
  convertTokensToString(tokens: readonly string[]): string;
  /** Fast tokenizers give offsets; word-level strategies and `stride` need one. Default true. */
  isFast?: boolean;
}

/** Traits of a BERT-style WordPiece tokenizer (`##` prefix, `[UNK]` id, clean-up on). */
export function wordPieceTraits(options: {
  unkTokenId: number | null;
  prefix?: string;
  cleanup?: boolean;
}): TokenizerTraits {
  const prefix = options.prefix ?? '##';
  const cleanup = options.cleanup ?? true;
  return {
    continuingSubwordPrefix: prefix,
    unkTokenId: options.unkTokenId,
    convertTokensToString: (tokens) => decodeWordPiece(tokens, { prefix, cleanup }),
    isFast: true,
  };
}
