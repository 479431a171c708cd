import type { TokenizerTraits } from './tokenizer-traits.js';
import type { Id2Label } from './types.js';
import type { PadToken, PipelineEncoding } from './windows.js';

/**
 * The tokenizer as the pipeline sees it. `@ner/align` tokenizers are wrapped
 * into this shape by `pipeline()`; anything else (a test double, another
 * tokenizer library) can implement it directly.
 */
export interface PipelineTokenizer {
  /** Encodes one text with special tokens, without truncation or padding. */
  encodeText(text: string): PipelineEncoding | Promise<PipelineEncoding>;
  /**
   * Encodes pre-split words (`isSplitIntoWords`) with special tokens, without
   * truncation or padding; offsets point into `words.join(' ')`.
   */
  encodeWords?(words: readonly string[]): PipelineEncoding | Promise<PipelineEncoding>;
  /** What post-processing needs: sub-word prefix, `[UNK]` id, tokens-to-text. */
  readonly traits: TokenizerTraits;
  /** Longest encoding (special tokens included) the tokenizer/model pair accepts. */
  readonly modelMaxLength: number;
  /** Token used to pad a batch. */
  readonly pad: PadToken;
}

/** A padded batch, one row per window. */
export interface PipelineBatch {
  inputIds: number[][];
  attentionMask: number[][];
  tokenTypeIds: number[][];
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
  /** Frees weights (tfjs tensors); optional. */
  dispose?(): void;
}
