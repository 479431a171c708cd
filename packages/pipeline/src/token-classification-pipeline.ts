import { PipelineInputShapeError, InvalidPipelineOptionError } from './errors.js';
import type { PipelineModel, PipelineTokenizer } from './pipeline-interfaces.js';
import { postprocessTokenClassification, type TokenClassificationWindow } from './postprocess.js';
import { runBatched } from './run-batched.js';
import {
  sanitizeTokenClassificationParameters,
  type TokenClassificationCallOptions,
} from './sanitize-parameters.js';
import type { TokenClassificationOutput } from './types.js';
import { type PipelineEncoding, planWindows, splitIntoWindows, windowSourceIndices } from './windows.js';

/** Options of a token-classification pipeline, given at creation or per call. */
export interface TokenClassificationPipelineOptions extends TokenClassificationCallOptions {
  /** Windows run through the model together (padded to the longest); default 1. Results do not depend on it. */
  batchSize?: number;
  /** Inputs are already split into words: `string[]` is one input, `string[][]` a batch. */
  isSplitIntoWords?: boolean;
}

/** One text (or word list) and its windows, ready for the model. */
interface PreparedInput {
  sentence: string;
  windows: PipelineEncoding[];
  /** Per window, the position of each token in the whole encoding (long inputs only). */
  sourceIndices: number[][] | null;
}

/**
 * Named-entity recognition and other token classification, as transformers'
 * `TokenClassificationPipeline`: tokenizes, runs the model (long texts in
 * overlapping windows), and aggregates token predictions into entities with
 * character offsets into the input.
 */
export class TokenClassificationPipeline {
  readonly task = 'token-classification' as const;

  constructor(
    readonly model: PipelineModel,
    readonly tokenizer: PipelineTokenizer,
    readonly defaults: TokenClassificationPipelineOptions = {},
  ) {}

  /** Longest encoding a window may have: the tokenizer's limit, capped by the position embeddings. */
  get maxLength(): number {
    const positions = this.model.config.maxPositionEmbeddings;
    return positions === undefined
      ? this.tokenizer.modelMaxLength
      : Math.min(positions, this.tokenizer.modelMaxLength);
  }

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
    const params = sanitizeTokenClassificationParameters(merged, {
      isFast: this.tokenizer.traits.isFast ?? true,
      modelMaxLength: this.maxLength,
    });
    // Python reports the deprecated groupedEntities/ignoreSubwords flags with warnings.warn.
    for (const warning of params.warnings) process.emitWarning(warning, 'DeprecationWarning');
    const { single, items } = normalizeInputs(input, merged.isSplitIntoWords ?? false);
    const stride = params.preprocess.tokenizerParams?.stride;
    const prepared = await Promise.all(items.map((item) => this.prepare(item, stride)));

    const windows = prepared.flatMap((p) => p.windows);
    const logits = await runBatched(this.model, windows, merged.batchSize ?? 1, this.tokenizer.pad);

    let cursor = 0;
    const outputs = prepared.map((p) => {
      const windowInputs: TokenClassificationWindow[] = p.windows.map((window, w) => ({
        inputIds: window.ids,
        tokens: window.tokens,
        offsets: params.preprocess.offsetMapping ?? window.offsets,
        specialTokensMask: window.specialTokensMask,
        logits: logits[cursor + w]!,
        ...(p.sourceIndices ? { tokenIndices: p.sourceIndices[w]! } : {}),
      }));
      cursor += p.windows.length;
      return postprocessTokenClassification(p.sentence, windowInputs, {
        id2label: this.model.config.id2label,
        tokenizer: this.tokenizer.traits,
        ...params.postprocess,
      });
    });
    return single ? outputs[0]! : outputs;
  }

  /** Encodes one input and cuts it into windows when it is longer than the model allows. */
  private async prepare(
    item: string | readonly string[],
    stride: number | undefined,
  ): Promise<PreparedInput> {
    let sentence: string;
    let encoding: PipelineEncoding;
    if (typeof item === 'string') {
      sentence = item;
      encoding = await this.tokenizer.encodeText(item);
    } else {
      if (!this.tokenizer.encodeWords) {
        throw new InvalidPipelineOptionError(
          'isSplitIntoWords needs a tokenizer that can encode pre-split words.',
        );
      }
      sentence = item.join(' ');
      encoding = await this.tokenizer.encodeWords(item);
    }
    const maxLength = this.maxLength;
    if (stride !== undefined) {
      // Python asks for overflowing windows whenever `stride` is given, even for short texts.
      return {
        sentence,
        windows: splitIntoWindows(encoding, maxLength, stride, this.tokenizer.pad),
        sourceIndices: null,
      };
    }
    if (encoding.ids.length <= maxLength) return { sentence, windows: [encoding], sourceIndices: null };
    // Python would truncate silently here; we read the whole text instead, in windows
    // that overlap by a quarter of their content, and report token indices in the full encoding.
    const specials = encoding.specialTokensMask.filter(Boolean).length;
    const autoStride = Math.floor(Math.max(1, maxLength - specials) / 4);
    const plan = planWindows(encoding, maxLength, autoStride);
    const windows = splitIntoWindows(encoding, maxLength, autoStride, this.tokenizer.pad);
    const sourceIndices = windows.map((window, w) =>
      windowSourceIndices(plan, w, window.ids.length, encoding.ids.length),
    );
    return { sentence, windows, sourceIndices };
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
