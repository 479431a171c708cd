// The steps of the Rust pipeline before special tokens: added tokens are split
// out of the raw text, the rest goes through BertNormalizer → BertPreTokenizer →
// WordPiece. The result is one `RawSequence` (ids, offsets, word ids) that
// truncation and the post-processor work on.
import { BertNormalizer } from './bert-normalizer.js';
import { bertPreTokenize } from './bert-pre-tokenizer.js';
import type { Offset } from './encoding.js';
import { AlignInputError } from './errors.js';
import type { WordPieceTokenizerConfig } from './tokenizer.js';
import type { RawSequence } from './truncation.js';
import { WordPiece } from './wordpiece.js';

interface AddedToken {
  content: string;
  id: number;
}

/** Text or pre-split words → ids, offsets and word ids, without special tokens. */
export class SequenceEncoder {
  private readonly normalizer: BertNormalizer;
  private readonly model: WordPiece;
  /** Longest first, so that at one position the longest token wins (Rust: leftmost-longest). */
  private readonly addedTokens: AddedToken[];

  constructor(config: WordPieceTokenizerConfig) {
    this.normalizer = new BertNormalizer(config.normalizer);
    this.model = new WordPiece({
      vocab: config.vocab,
      unkToken: config.unkToken,
      continuingSubwordPrefix: config.continuingSubwordPrefix,
      maxInputCharsPerWord: config.maxInputCharsPerWord,
    });
    // A bare vocab.txt names no added tokens: its special tokens are the ones matched verbatim.
    const added = config.addedTokens ?? [
      config.padToken,
      config.unkToken,
      config.clsToken,
      config.sepToken,
      config.maskToken,
    ];
    this.addedTokens = [...new Set(added)]
      .filter((content) => content.length > 0 && config.vocab.has(content))
      .map((content) => ({ content, id: config.vocab.get(content)! }))
      .sort((a, b) => b.content.length - a.content.length);
  }

  /**
   * One input of `encode`: a string, or (with `isSplitIntoWords`) a list of words;
   * `role` names the argument in errors.
   */
  encode(input: string | readonly string[], isSplitIntoWords: boolean, role: string): RawSequence {
    if (isSplitIntoWords) {
      if (!Array.isArray(input)) {
        throw new AlignInputError(
          `${role}: isSplitIntoWords is true, so a list of words was expected, got ${typeof input}`,
        );
      }
      return this.encodeWords(input);
    }
    if (typeof input !== 'string') {
      throw new AlignInputError(
        `${role}: expected a string (pass isSplitIntoWords: true for a list of words)`,
      );
    }
    return this.encodeText(input);
  }

  /**
   * Added tokens (like a literal `[SEP]`) are cut out of the raw text first; the
   * pieces between them are normalized, pre-tokenized and WordPiece-split. Every
   * added token and every pre-token is a word. Offsets index `text`.
   */
  encodeText(text: string): RawSequence {
    const out: RawSequence = { ids: [], offsets: [], wordIds: [] };
    let wordCount = 0;
    let from = 0;
    for (;;) {
      const match = this.findAddedToken(text, from);
      const end = match ? match.at : text.length;
      if (end > from) wordCount = this.encodeSegment(text.slice(from, end), from, wordCount, out);
      if (!match) break;
      out.ids.push(match.id);
      out.offsets.push([match.at, match.at + match.content.length]);
      out.wordIds.push(wordCount++);
      from = match.at + match.content.length;
    }
    return out;
  }

  /** Each word is tokenized on its own; offsets are relative to the word, word id = its index. */
  private encodeWords(words: readonly string[]): RawSequence {
    const ids: number[] = [];
    const offsets: Offset[] = [];
    const wordIds: number[] = [];
    for (let w = 0; w < words.length; w++) {
      const word = words[w];
      if (typeof word !== 'string') {
        throw new AlignInputError(`isSplitIntoWords: word ${w} is ${typeof word}, expected a string`);
      }
      const one = this.encodeText(word);
      for (let k = 0; k < one.ids.length; k++) {
        ids.push(one.ids[k]!);
        offsets.push(one.offsets[k]!);
        wordIds.push(w);
      }
    }
    return { ids, offsets, wordIds };
  }

  /** The first added token in `text` at or after `from` (longest at the earliest position). */
  private findAddedToken(text: string, from: number): (AddedToken & { at: number }) | undefined {
    let best: (AddedToken & { at: number }) | undefined;
    for (const token of this.addedTokens) {
      const at = text.indexOf(token.content, from);
      if (at >= 0 && (best === undefined || at < best.at)) best = { at, ...token };
    }
    return best;
  }

  /** Tokenizes a text without added tokens, appending to `out`; returns the next word index. */
  private encodeSegment(segment: string, shift: number, firstWord: number, out: RawSequence): number {
    const { normalized, originalStart, originalEnd } = this.normalizer.normalize(segment);
    const spans = bertPreTokenize(normalized);
    for (let w = 0; w < spans.length; w++) {
      const span = spans[w]!;
      const pieces = this.model.tokenize(normalized.slice(span.start, span.end));
      for (let k = 0; k < pieces.ids.length; k++) {
        out.ids.push(pieces.ids[k]!);
        out.offsets.push([
          shift + originalStart[span.start + pieces.starts[k]!]!,
          shift + originalEnd[span.start + pieces.ends[k]! - 1]!,
        ]);
        out.wordIds.push(firstWord + w);
      }
    }
    return firstWord + spans.length;
  }
}
