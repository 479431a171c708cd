// A WordPiece vocabulary cut down to the pieces a corpus uses often.
//
// Why: a BERT trained from scratch on CoNLL-2003 sees most of bert-base-cased's 28,996 pieces
// rarely or never. A word that occurs once gets its own embedding row that the model can only
// memorise; at evaluation, a word that never occurred in training maps to an untrained (random)
// row. Keeping only pieces seen at least `minCount` times makes rare words fall apart into
// frequent sub-words (and the single characters, which are always kept), whose embeddings are
// trained on many words. The embedding table also shrinks from 29k rows to a few thousand.
import { Tokenizer } from '@ner/align';

/** Options of {@link corpusTokenizer}. */
export interface CorpusVocabOptions {
  /** Keep a multi-character piece when the corpus uses it at least this many times. */
  readonly minCount: number;
}

/** The single-character pieces (`a`, `##a`): with them every word in their script still tokenizes. */
function isSingleCharacterPiece(token: string, prefix: string): boolean {
  const body = token.startsWith(prefix) ? token.slice(prefix.length) : token;
  return [...body].length === 1;
}

/**
 * A tokenizer with the same normalizer, pre-tokenizer and special tokens as `base`, whose vocabulary
 * keeps the special tokens, every single-character piece, and the pieces that `base` produces at
 * least `minCount` times on `sentences` (lists of words). Ids are renumbered densely in the order
 * of `base`'s vocabulary, so `[PAD]` stays 0 for bert-base-cased.
 */
export function corpusTokenizer(
  base: Tokenizer,
  sentences: readonly (readonly string[])[],
  options: CorpusVocabOptions,
): Tokenizer {
  const counts = new Map<number, number>();
  for (const words of sentences) {
    const ids = base.encode(words as string[], { isSplitIntoWords: true, addSpecialTokens: false }).inputIds;
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const { config } = base;
  const special = new Set(
    [config.padToken, config.unkToken, config.clsToken, config.sepToken, config.maskToken].concat(
      config.addedTokens ?? [],
    ),
  );
  const kept = [...config.vocab.entries()]
    .sort((a, b) => a[1] - b[1])
    .filter(
      ([token, id]) =>
        special.has(token) ||
        isSingleCharacterPiece(token, config.continuingSubwordPrefix) ||
        (counts.get(id) ?? 0) >= options.minCount,
    );
  const vocab = new Map(kept.map(([token], index) => [token, index]));
  return new Tokenizer({ ...config, vocab });
}
