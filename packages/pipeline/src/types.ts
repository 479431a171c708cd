/** A `[start, end)` character span into the input text: `@ner/align`'s type, one definition for both packages. */
export type { Offset } from '@ner/align';

/** `config.id2label`: an object with numeric-string keys (as in `config.json`) or an array. */
export type Id2Label = Readonly<Record<number | string, string>> | readonly string[];

/** One result of `aggregationStrategy: 'none'`: a token and its own label. */
export interface TokenEntity {
  /** Label of the token (`id2label[argmax]`), e.g. `"B-PER"`. */
  entity: string;
  /** Softmax probability of that label (a float32 value). */
  score: number;
  /** Position of the token in the encoding (special tokens included, `[CLS]` is 0). */
  index: number;
  /** The token (`"##ing"`), or the original text for `[UNK]` tokens. */
  word: string;
  start: number | null;
  end: number | null;
}

/** One result of the grouping strategies (`simple`, `first`, `average`, `max`). */
export interface GroupedEntity {
  /** Entity type without its `B-`/`I-` prefix, e.g. `"PER"` (Python's key name is kept). */
  entity_group: string;
  /** Mean of the grouped tokens' (or words') scores, in float32. */
  score: number;
  /** Decoded text of the group, e.g. `"Hugging Face"`, `"Dr."`, `"- Planck"`. */
  word: string;
  start: number | null;
  end: number | null;
}

/** What a token-classification pipeline returns for one input. */
export type TokenClassificationOutput = TokenEntity[] | GroupedEntity[];
