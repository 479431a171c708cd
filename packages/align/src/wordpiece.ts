import { BoundedMemo } from './bounded-memo.js';
import { describeValue } from './describe-value.js';
import { AlignInputError } from './errors.js';

/** Options of the Rust `WordPiece` model. */
export interface WordPieceOptions {
  vocab: Map<string, number>;
  unkToken: string;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
}

/** Sub-words of one word: ids and UTF-16 spans relative to the word. */
export interface WordPieces {
  ids: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
}

function countCodePoints(s: string): number {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) count++;
  }
  return count;
}

/**
 * Greedy longest-match-first WordPiece, as the Rust model: a word longer than
 * `maxInputCharsPerWord` code points, or one with a part not in the vocabulary,
 * becomes a single unknown token spanning the whole word.
 */
export class WordPiece {
  readonly options: WordPieceOptions;
  readonly unkId: number;
  private readonly maxTokenLength: number;
  /** Words repeat a lot in corpora: results are kept per word (bounded). */
  private readonly pieces = new BoundedMemo<string, WordPieces>(200_000, (word) =>
    this.tokenizeUncached(word),
  );

  constructor(options: WordPieceOptions) {
    this.options = options;
    const unkId = options.vocab.get(options.unkToken);
    if (unkId === undefined)
      throw new AlignInputError(
        `WordPiece: unk token ${describeValue(options.unkToken)} is not in the vocabulary`,
      );
    this.unkId = unkId;
    let longest = 0;
    for (const token of options.vocab.keys()) longest = Math.max(longest, token.length);
    this.maxTokenLength = longest;
  }

  tokenize(word: string): WordPieces {
    return this.pieces.get(word);
  }

  private unknown(word: string): WordPieces {
    return { ids: Int32Array.of(this.unkId), starts: Int32Array.of(0), ends: Int32Array.of(word.length) };
  }

  private tokenizeUncached(word: string): WordPieces {
    const { vocab, continuingSubwordPrefix: prefix, maxInputCharsPerWord } = this.options;
    if (countCodePoints(word) > maxInputCharsPerWord) return this.unknown(word);
    const ids: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    const n = word.length;
    let start = 0;
    while (start < n) {
      let end = Math.min(n, start + this.maxTokenLength);
      let found = -1;
      while (end > start) {
        // Never cut a surrogate pair in two.
        const last = word.charCodeAt(end - 1);
        if (!(last >= 0xd800 && last <= 0xdbff)) {
          const piece = start > 0 ? prefix + word.slice(start, end) : word.slice(start, end);
          const id = vocab.get(piece);
          if (id !== undefined) {
            found = id;
            break;
          }
        }
        end--;
      }
      if (found < 0) return this.unknown(word);
      ids.push(found);
      starts.push(start);
      ends.push(end);
      start = end;
    }
    return { ids: Int32Array.from(ids), starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
  }
}
