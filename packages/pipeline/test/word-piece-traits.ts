// Tokenizer traits for tests of the post-processing functions, without a vocabulary.
import { decodeWordPieces } from '@ner/align';
import type { TokenizerTraits } from '../src/index.js';

/** A BERT-style WordPiece tokenizer's traits: `##` prefix, the given `[UNK]` id, align's decoder. */
export function wordPieceTraits(options: { unkTokenId: number | null; cleanup?: boolean }): TokenizerTraits {
  return {
    continuingSubwordPrefix: '##',
    unkTokenId: options.unkTokenId,
    convertTokensToString: (tokens) => decodeWordPieces(tokens, { cleanup: options.cleanup ?? true }),
    isFast: true,
  };
}
