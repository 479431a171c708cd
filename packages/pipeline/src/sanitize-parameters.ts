import {
  type AggregationStrategy,
  isWordLevelStrategy,
  parseAggregationStrategy,
} from './aggregation-strategy.js';
import { InvalidPipelineOptionError } from './errors.js';
import { resolveIgnoreLabels } from './ignore-labels.js';
import type { Offset } from './types.js';

/** Call options of a token-classification pipeline (Python's keyword arguments, camelCased). */
export interface TokenClassificationCallOptions {
  /**
   * `'none' | 'simple' | 'first' | 'average' | 'max'` (upper case too, as Python's enum names).
   * A literal union, so a typo does not type-check; plain JavaScript callers get an
   * UnknownAggregationStrategyError at run time instead.
   */
  aggregationStrategy?: AggregationStrategy | Uppercase<AggregationStrategy>;
  /**
   * Labels or groups to drop from the output (default `['O']`). A single
   * string is one label (`'O'` is `['O']`), not Python's substring test.
   */
  ignoreLabels?: readonly string[] | string;
  /** Overlap, in tokens, between the windows a long text is cut into. */
  stride?: number;
  /** Offsets to use instead of the tokenizer's (Python's `offset_mapping`). */
  offsetMapping?: readonly Offset[];
  /** Deprecated in Python: `true` means `simple` (or `first` with `ignoreSubwords`). */
  groupedEntities?: boolean;
  /** Deprecated in Python: with `groupedEntities`, selects `first`. */
  ignoreSubwords?: boolean;
}

/** What the tokenizer contributes to option checking. */
export interface TokenizerLimits {
  /** Fast tokenizers give offsets and word boundaries. */
  isFast: boolean;
  /** Longest encoding the model accepts, special tokens included. */
  modelMaxLength: number;
}

/** Options split the way Python's `_sanitize_parameters` splits them. */
export interface SanitizedTokenClassificationParameters {
  preprocess: {
    offsetMapping?: readonly Offset[];
    tokenizerParams?: { returnOverflowingTokens: true; padding: true; stride: number };
  };
  postprocess: { aggregationStrategy?: AggregationStrategy; ignoreLabels?: readonly string[] };
  /** Deprecation notices Python emits with `warnings.warn`. */
  warnings: string[];
}

/**
 * Python's `TokenClassificationPipeline._sanitize_parameters` (transformers 4.38):
 * resolves the deprecated `groupedEntities`/`ignoreSubwords` flags, parses the
 * strategy name, and rejects what Python rejects: word-level strategies or
 * `stride` with a slow tokenizer, `stride >= modelMaxLength`, and `stride` with
 * an explicit `'none'` strategy (windows can only be merged as entities).
 */
export function sanitizeTokenClassificationParameters(
  options: TokenClassificationCallOptions,
  tokenizer: TokenizerLimits,
): SanitizedTokenClassificationParameters {
  const result: SanitizedTokenClassificationParameters = { preprocess: {}, postprocess: {}, warnings: [] };
  if (options.offsetMapping !== undefined) result.preprocess.offsetMapping = options.offsetMapping;

  let strategy: string | undefined = options.aggregationStrategy;
  if (options.groupedEntities !== undefined || options.ignoreSubwords !== undefined) {
    if (options.groupedEntities && options.ignoreSubwords) strategy = 'first';
    else if (options.groupedEntities && !options.ignoreSubwords) strategy = 'simple';
    else strategy = 'none';
    for (const flag of ['groupedEntities', 'ignoreSubwords'] as const) {
      if (options[flag] !== undefined) {
        result.warnings.push(
          `\`${flag}\` is deprecated (as in transformers v5), defaulted to \`aggregationStrategy="${strategy}"\` instead.`,
        );
      }
    }
  }

  let parsed: AggregationStrategy | undefined;
  if (strategy !== undefined) {
    parsed = parseAggregationStrategy(strategy);
    if (isWordLevelStrategy(parsed) && !tokenizer.isFast) {
      throw new InvalidPipelineOptionError(
        `Slow tokenizers cannot handle subwords. Please set the \`aggregationStrategy\` option to "simple" or use a fast tokenizer (got "${parsed}").`,
      );
    }
    result.postprocess.aggregationStrategy = parsed;
  }
  if (options.ignoreLabels !== undefined)
    result.postprocess.ignoreLabels = resolveIgnoreLabels(options.ignoreLabels);

  if (options.stride !== undefined) {
    const stride = options.stride;
    if (!Number.isInteger(stride) || stride < 0) {
      throw new InvalidPipelineOptionError(`\`stride\` must be a non-negative integer, got ${stride}.`);
    }
    if (stride >= tokenizer.modelMaxLength) {
      throw new InvalidPipelineOptionError(
        `\`stride\` (${stride}) must be less than \`tokenizer.modelMaxLength\` (${tokenizer.modelMaxLength}), or even lower since the tokenizer adds special tokens.`,
      );
    }
    if (parsed === 'none') {
      throw new InvalidPipelineOptionError(
        '`stride` was provided to process all the text but `aggregationStrategy="none"`, please select another one instead.',
      );
    }
    if (!tokenizer.isFast) {
      throw new InvalidPipelineOptionError(
        "`stride` was provided to process all the text but you're using a slow tokenizer. Please use a fast tokenizer.",
      );
    }
    result.preprocess.tokenizerParams = { returnOverflowingTokens: true, padding: true, stride };
  }
  return result;
}
