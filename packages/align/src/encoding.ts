/** A character span `[start, end)` in JavaScript string indices (UTF-16 code units). */
export type Offset = readonly [start: number, end: number];

/** Plain fields of an {@link Encoding}. */
export interface EncodingFields {
  inputIds: number[];
  tokenTypeIds: number[];
  attentionMask: number[];
  specialTokensMask: number[];
  offsets: Offset[];
  tokenStrings: string[];
  wordIdList: (number | null)[];
  /** 0 for the first sequence, 1 for the pair, null for special tokens and padding. */
  sequenceIdList: (number | null)[];
}

/**
 * The result of encoding one text (or list of words), shaped like a Python fast
 * tokenizer's `BatchEncoding` for one sample: ids, masks, tokens, word ids and
 * character offsets. `overflowing` holds the extra windows when
 * `returnOverflowingTokens` was asked for.
 */
export class Encoding {
  readonly inputIds: number[];
  readonly tokenTypeIds: number[];
  readonly attentionMask: number[];
  readonly specialTokensMask: number[];
  /**
   * Token spans in the original text (or, for pre-split words, in the word the
   * token comes from), in UTF-16 units: `text.slice(start, end)` is the token's
   * text. `[0, 0]` for special tokens and padding. Python reports code points;
   * see {@link toCodePointOffsets}.
   */
  readonly offsets: Offset[];
  /** Extra windows made by truncation with `returnOverflowingTokens` (each already has special tokens). */
  overflowing: Encoding[] = [];
  /** Every field, kept as given: the methods below read the ones that are not properties. */
  private readonly fields: EncodingFields;

  constructor(fields: EncodingFields) {
    this.fields = { ...fields };
    this.inputIds = fields.inputIds;
    this.tokenTypeIds = fields.tokenTypeIds;
    this.attentionMask = fields.attentionMask;
    this.specialTokensMask = fields.specialTokensMask;
    this.offsets = fields.offsets;
  }

  /** Number of tokens (padding included). */
  get length(): number {
    return this.inputIds.length;
  }

  /** The token strings. Python: `encoding.tokens()`. */
  tokens(): string[] {
    return this.fields.tokenStrings;
  }

  /** The word index of every token, null for special tokens and padding. Python: `encoding.word_ids()`. */
  wordIds(): (number | null)[] {
    return this.fields.wordIdList;
  }

  /** Which sequence (0 or 1 for pairs) each token belongs to. Python: `encoding.sequence_ids()`. */
  sequenceIds(): (number | null)[] {
    return this.fields.sequenceIdList;
  }

  /** The internal fields, for building derived encodings. */
  toFields(): EncodingFields {
    return { ...this.fields };
  }
}

/** Several encodings plus, when overflow windows were requested, which input each row came from. */
export interface BatchEncoding {
  encodings: Encoding[];
  inputIds: number[][];
  tokenTypeIds: number[][];
  attentionMask: number[][];
  /** Only with `returnOverflowingTokens`: row → index of the input it was cut from. */
  overflowToSampleMapping?: number[];
}
