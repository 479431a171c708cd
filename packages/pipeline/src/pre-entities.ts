import { PipelineInputShapeError } from './errors.js';
import type { TokenizerTraits } from './pipeline-interfaces.js';
import type { Offset } from './types.js';

/** A non-special token with its label probabilities, before any aggregation (Python's `pre_entity`). */
export interface PreEntity {
  /** The token text, or the original text span for `[UNK]`. */
  word: string;
  /** Softmax probabilities over the labels (float32). */
  scores: Float32Array;
  start: number | null;
  end: number | null;
  /** Position in the encoding, special tokens included. */
  index: number;
  /** Whether the token continues the previous word (`first`/`average`/`max` glue such tokens on). */
  isSubword: boolean;
}

/** One encoded window as the post-processing sees it. */
export interface PreEntityInput {
  /** Token ids of the window (with special tokens and padding). */
  inputIds: ArrayLike<number>;
  /** Token strings (`convert_ids_to_tokens(inputIds)`), same length as `inputIds`. */
  tokens: readonly string[];
  /** Character offsets into `sentence`, or null when the tokenizer gives none (slow tokenizers). */
  offsets: readonly Offset[] | null;
  /** 1 for `[CLS]`, `[SEP]`, `[PAD]`...: those tokens are skipped. */
  specialTokensMask: ArrayLike<number>;
  /** Probabilities per token, `[T][C]`. */
  scores: readonly Float32Array[];
  /**
   * The `index` to report for each position; defaults to the position itself.
   * Windows of a long text use it to report positions in the whole encoding.
   */
  tokenIndices?: ArrayLike<number>;
}

/** Length in Unicode code points, which is what Python's `len(str)` counts. */
function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * Python's `TokenClassificationPipeline.gather_pre_entities`: drops special
 * tokens and decides for every other token its `word` and whether it is a
 * sub-word. With a `continuing_subword_prefix` (WordPiece) a token is a sub-word
 * iff `len(token) != len(sentence[start:end])` (so `##s` over `s` is one);
 * otherwise a token is a sub-word when it does not start the text and neither
 * it nor the character before it is a space. `[UNK]` tokens take the text span
 * as their word and are never sub-words.
 */
export function gatherPreEntities(
  sentence: string,
  input: PreEntityInput,
  tokenizer: TokenizerTraits,
): PreEntity[] {
  const n = input.inputIds.length;
  if (
    input.tokens.length !== n ||
    input.specialTokensMask.length !== n ||
    input.scores.length !== n ||
    (input.offsets !== null && input.offsets.length !== n)
  ) {
    throw new PipelineInputShapeError(
      `Token-classification window has inconsistent lengths: inputIds ${n}, tokens ${input.tokens.length}, ` +
        `specialTokensMask ${input.specialTokensMask.length}, logits rows ${input.scores.length}` +
        `${input.offsets === null ? '' : `, offsets ${input.offsets.length}`}; all must be equal.`,
    );
  }
  const preEntities: PreEntity[] = [];
  for (let idx = 0; idx < n; idx++) {
    if (input.specialTokensMask[idx]) continue;
    let word = input.tokens[idx]!;
    let start: number | null = null;
    let end: number | null = null;
    let isSubword = false;
    if (input.offsets !== null) {
      [start, end] = input.offsets[idx]!;
      const wordRef = sentence.slice(start, end);
      if (tokenizer.continuingSubwordPrefix) {
        isSubword = codePointLength(word) !== codePointLength(wordRef);
      } else {
        // Python's fallback for tokenizers that do not mark continuations.
        isSubword = start > 0 && !sentence.slice(start - 1, start + 1).includes(' ');
      }
      if (tokenizer.unkTokenId !== null && input.inputIds[idx] === tokenizer.unkTokenId) {
        word = wordRef;
        isSubword = false;
      }
    }
    const index = input.tokenIndices?.[idx] ?? idx;
    preEntities.push({ word, scores: input.scores[idx]!, start, end, index, isSubword });
  }
  return preEntities;
}
