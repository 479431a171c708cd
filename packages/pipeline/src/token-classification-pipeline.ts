import { encodeWindows } from './encode-windows.js';
import { PipelineInputShapeError } from './errors.js';
import { checkTokenClassificationOptions } from './option-names.js';
import { PipelineBase } from './pipeline-base.js';
import { postprocessTokenClassification, type TokenClassificationWindow } from './postprocess.js';
import { runBatched } from './run-batched.js';
import {
  sanitizeTokenClassificationParameters,
  type TokenClassificationCallOptions,
} from './sanitize-parameters.js';
import type { TokenClassificationOutput } from './types.js';

/** Options of a token-classification pipeline, given at creation or per call. */
export interface TokenClassificationPipelineOptions extends TokenClassificationCallOptions {
  /** Windows run through the model together (padded to the longest); default 1. Results do not depend on it. */
  batchSize?: number;
  /** Inputs are already split into words: `string[]` is one input, `string[][]` a batch. */
  isSplitIntoWords?: boolean;
}

/**
 * Named-entity recognition and other token classification, as transformers'
 * `TokenClassificationPipeline`: tokenizes, runs the model (long texts in
 * overlapping windows), and aggregates token predictions into entities with
 * character offsets into the input.
 */
export class TokenClassificationPipeline extends PipelineBase<TokenClassificationPipelineOptions> {
  readonly task = 'token-classification' as const;

  /**
   * Entities of one input (a string, or a word list with `isSplitIntoWords`) or,
   * for a batch, one entity list per input, in input order.
   */
  async run(input: string, options?: TokenClassificationPipelineOptions): Promise<TokenClassificationOutput>;
  async run(
    input: readonly string[],
    options: TokenClassificationPipelineOptions & { isSplitIntoWords: true },
  ): Promise<TokenClassificationOutput>;
  async run(
    input: readonly string[] | readonly (readonly string[])[],
    options?: TokenClassificationPipelineOptions,
  ): Promise<TokenClassificationOutput[]>;
  async run(
    input: string | readonly string[] | readonly (readonly string[])[],
    options: TokenClassificationPipelineOptions = {},
  ): Promise<TokenClassificationOutput | TokenClassificationOutput[]> {
    const merged = { ...this.defaults, ...options };
    checkTokenClassificationOptions(merged);
    const params = sanitizeTokenClassificationParameters(merged, {
      isFast: this.tokenizer.isFast ?? true,
      modelMaxLength: this.maxLength,
    });
    // Python reports the deprecated groupedEntities/ignoreSubwords flags with warnings.warn.
    for (const warning of params.warnings) process.emitWarning(warning, 'DeprecationWarning');
    const { single, items } = normalizeInputs(input, merged.isSplitIntoWords ?? false);
    const stride = params.preprocess.tokenizerParams?.stride;
    const prepared = items.map((item) => encodeWindows(this.tokenizer, item, this.maxLength, stride));

    const windows = prepared.flatMap((p) => p.windows);
    const logits = await runBatched(this.model, windows, merged.batchSize ?? 1, this.tokenizer.padTokenId);

    let cursor = 0;
    const outputs = prepared.map((p) => {
      const windowInputs: TokenClassificationWindow[] = p.windows.map((window, w) => ({
        inputIds: window.inputIds,
        tokens: window.tokens(),
        offsets: params.preprocess.offsetMapping ?? window.offsets,
        specialTokensMask: window.specialTokensMask,
        logits: logits[cursor + w]!,
        ...(p.sourceIndices ? { tokenIndices: p.sourceIndices[w]! } : {}),
      }));
      cursor += p.windows.length;
      return postprocessTokenClassification(p.sentence, windowInputs, {
        id2label: this.model.config.id2label,
        tokenizer: this.tokenizer,
        ...params.postprocess,
      });
    });
    return single ? outputs[0]! : outputs;
  }
}

/** Tells a single input from a batch; with `isSplitIntoWords`, `string[]` is one input. */
function normalizeInputs(
  input: string | readonly string[] | readonly (readonly string[])[],
  isSplitIntoWords: boolean,
): { single: boolean; items: readonly (string | readonly string[])[] } {
  if (typeof input === 'string') {
    if (isSplitIntoWords) {
      throw new PipelineInputShapeError(
        'isSplitIntoWords expects a word list (string[]) or a batch of them, got a string.',
      );
    }
    return { single: true, items: [input] };
  }
  if (!Array.isArray(input)) {
    throw new PipelineInputShapeError(`Expected a string or an array of inputs, got ${typeof input}.`);
  }
  if (isSplitIntoWords) {
    if (input.every((x) => typeof x === 'string'))
      return { single: true, items: [input as readonly string[]] };
    if (input.every((x) => Array.isArray(x) && x.every((w: unknown) => typeof w === 'string'))) {
      return { single: false, items: input as readonly (readonly string[])[] };
    }
    throw new PipelineInputShapeError(
      'isSplitIntoWords expects string[] (one input) or string[][] (a batch).',
    );
  }
  input.forEach((x, i) => {
    if (typeof x !== 'string') {
      throw new PipelineInputShapeError(
        `Input ${i} is not a string (${Array.isArray(x) ? 'an array' : typeof x}); pass isSplitIntoWords: true for pre-split words.`,
      );
    }
  });
  return { single: false, items: input as readonly string[] };
}
