import { type Encoding, isLengthLimit } from '@ner/align';
import { InvalidPipelineOptionError, PipelineInputShapeError } from './errors.js';
import { checkTextClassificationOptions } from './option-names.js';
import { PipelineBase } from './pipeline-base.js';
import { runBatched } from './run-batched.js';
import {
  type ClassificationFunction,
  type LabelScore,
  parseClassificationFunction,
  postprocessTextClassification,
} from './text-classification-postprocess.js';

/** Options of a text-classification pipeline, given at creation or per call. */
export interface TextClassificationPipelineOptions {
  /**
   * Number of best labels to return, sorted by score (`null`: all). Left out, each
   * input gets only its best label (Python's legacy answer).
   */
  topK?: number | null;
  /** `'softmax' | 'sigmoid' | 'none'` (upper case too); default from `problem_type` / `num_labels`. */
  functionToApply?: ClassificationFunction | Uppercase<ClassificationFunction>;
  /** Cut texts longer than the model allows (Python: `truncation=True`); otherwise they are an error. */
  truncation?: boolean;
  /** Inputs run through the model together; default 1. */
  batchSize?: number;
}

/**
 * Sentiment analysis and other sequence classification, as transformers'
 * `TextClassificationPipeline`. Return shapes follow Python: a string gives
 * `[{label, score}]`, a list gives one `{label, score}` per text; with `topK`,
 * each text gets a sorted list.
 */
export class TextClassificationPipeline extends PipelineBase<TextClassificationPipelineOptions> {
  readonly task = 'text-classification' as const;

  async run(
    input: string | readonly string[],
    options: TextClassificationPipelineOptions = {},
  ): Promise<LabelScore[] | LabelScore[][]> {
    const merged = { ...this.defaults, ...options };
    checkTextClassificationOptions(merged);
    const legacy = !('topK' in merged) || merged.topK === undefined;
    if (
      merged.topK !== undefined &&
      merged.topK !== null &&
      (!Number.isInteger(merged.topK) || merged.topK < 1)
    ) {
      throw new InvalidPipelineOptionError(`topK must be a positive integer or null, got ${merged.topK}.`);
    }
    const fn =
      merged.functionToApply === undefined ? undefined : parseClassificationFunction(merged.functionToApply);
    const texts = typeof input === 'string' ? [input] : input;
    texts.forEach((t, i) => {
      if (typeof t !== 'string')
        throw new PipelineInputShapeError(`Input ${i} is not a string (${typeof t}).`);
    });
    const encodings = texts.map((text, i) => this.encode(text, i, merged.truncation ?? false));
    const logits = await runBatched(this.model, encodings, merged.batchSize ?? 1, this.tokenizer.padTokenId);
    const config = this.model.config;
    const results = logits.map((rows) => {
      const row = rows[0]!;
      const opts = fn === undefined ? {} : { functionToApply: fn };
      return legacy
        ? postprocessTextClassification(row, config, opts)
        : postprocessTextClassification(row, config, { ...opts, topK: merged.topK ?? null });
    });
    if (legacy) return results as LabelScore[];
    return typeof input === 'string' ? (results[0] as LabelScore[]) : (results as LabelScore[][]);
  }

  private encode(text: string, i: number, truncation: boolean): Encoding {
    const encoding = this.tokenizer.encode(text);
    const max = this.maxLength;
    if (!isLengthLimit(max) || encoding.length <= max) return encoding;
    if (!truncation) {
      throw new PipelineInputShapeError(
        `Input ${i} has ${encoding.length} tokens but the model accepts at most ${max}; pass truncation: true to cut it.`,
      );
    }
    // The tokenizer keeps the special tokens around the first `max - specials` content tokens.
    return this.tokenizer.encode(text, { truncation: true, maxLength: max });
  }
}
