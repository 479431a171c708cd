import type { EncodeOptions, Encoding } from '@ner/align';
import type { Id2Label } from './types.js';

/**
 * What post-processing needs from a tokenizer. An `@ner/align` `Tokenizer`
 * has all of it; plain objects (test doubles, other tokenizers) can too.
 */
export interface TokenizerTraits {
  /**
   * The model's `continuing_subword_prefix` (`"##"` for WordPiece). When set, a
   * token is a sub-word iff its length differs from the text span it covers (the
   * rule of transformers 4.38); when null, Python's fallback heuristic is used: a
   * token is a sub-word when the character before it is not a space.
   */
  readonly continuingSubwordPrefix: string | null;
  /** Id of `[UNK]`; such tokens take their word from the text and never count as sub-words. */
  readonly unkTokenId: number | null;
  /** `convert_tokens_to_string`: joins tokens (or words) into display text. */
  convertTokensToString(tokens: readonly string[]): string;
  /** Fast tokenizers give offsets; word-level strategies and `stride` need one. Default true. */
  readonly isFast?: boolean;
}

/**
 * The tokenizer as the pipeline sees it: an `@ner/align` `Tokenizer` is one as
 * it is (the pipeline asks it for truncation, stride windows and padding as
 * Python's pipeline asks a fast tokenizer); anything else can implement it.
 */
export interface PipelineTokenizer extends TokenizerTraits {
  /** Python's `tokenizer(input, truncation=..., stride=..., return_overflowing_tokens=..., padding=...)`. */
  encode(input: string | readonly string[], options?: EncodeOptions): Encoding;
  /** Longest encoding (special tokens included); above `LARGE_INTEGER` means no limit. */
  readonly modelMaxLength: number;
  /** Token id used to pad a batch. */
  readonly padTokenId: number;
}

/** A padded batch, one row per window, under the Hugging Face batch keys the models take. */
export interface PipelineBatch {
  input_ids: number[][];
  attention_mask: number[][];
  token_type_ids: number[][];
}

/** Model logits, row-major, with their shape (`[B, T, C]` for tokens, `[B, C]` for sequences). */
export interface PipelineLogits {
  data: Float32Array;
  shape: number[];
}

/** The model as the pipeline sees it (an `@ner/models` model is wrapped into it). */
export interface PipelineModel {
  readonly config: {
    id2label: Id2Label;
    numLabels: number;
    problemType?: string | null;
    /** Longest input the position embeddings allow. */
    maxPositionEmbeddings?: number;
    /** Whether the model takes `token_type_ids` (BERT does, DistilBERT does not). */
    usesTokenTypeIds?: boolean;
  };
  /** Runs the model in inference mode on one padded batch. */
  predict(batch: PipelineBatch): Promise<PipelineLogits> | PipelineLogits;
  /**
   * Whether `predict` may be called again before the promise of the call before it settles.
   * When true, the pipeline starts batch i + 1 before it awaits batch i, so a model whose
   * `predict` queues device work and then awaits the results (an `@ner/models` model on the
   * `cuda` backend) keeps the device busy while the host waits, pads and collates. Default false.
   */
  readonly overlapsBatches?: boolean;
  /** Frees weights (tfjs tensors); optional. */
  dispose?(): void;
}
