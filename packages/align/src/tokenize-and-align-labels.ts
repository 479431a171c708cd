import { alignLabelsWithTokens } from './align-labels.js';
import { AlignInputError } from './errors.js';
import { checkOptionNames } from './option-names.js';
import type { Tokenizer } from './tokenizer.js';

/** Options of {@link tokenizeAndAlignLabels}. */
export interface TokenizeAndAlignOptions {
  /** Column of word lists (default `'tokens'`). */
  textColumn?: string;
  /** Column of word label ids (default `'ner_tags'`). */
  labelColumn?: string;
  strategy?: 'all' | 'first';
  labelNames?: readonly string[];
  /** Truncate to this many tokens (default: the tokenizer's `modelMaxLength`). */
  maxLength?: number;
}

/** Columns produced for each example, with Python's names. */
export interface TokenizedColumns {
  input_ids: number[][];
  token_type_ids: number[][];
  attention_mask: number[][];
  labels: number[][];
  [column: string]: unknown[];
}

/**
 * A batched map function for `DatasetDict.map(fn, {batched: true, removeColumns})`:
 * tokenizes pre-split words with truncation and aligns their labels, like the
 * course's `tokenize_and_align_labels`.
 */
export function tokenizeAndAlignLabels(
  tokenizer: Tokenizer,
  options: TokenizeAndAlignOptions = {},
): (batch: Record<string, unknown[]>) => TokenizedColumns {
  checkOptionNames(options, 'tokenizeAndAlignLabels');
  const textColumn = options.textColumn ?? 'tokens';
  const labelColumn = options.labelColumn ?? 'ner_tags';
  return (batch) => {
    const words = batch[textColumn];
    const labels = batch[labelColumn];
    if (!Array.isArray(words))
      throw new AlignInputError(
        `batch has no column "${textColumn}" (columns: ${Object.keys(batch).join(', ')})`,
      );
    if (!Array.isArray(labels))
      throw new AlignInputError(
        `batch has no column "${labelColumn}" (columns: ${Object.keys(batch).join(', ')})`,
      );
    const out: TokenizedColumns = { input_ids: [], token_type_ids: [], attention_mask: [], labels: [] };
    words.forEach((example, i) => {
      const wordLabels = labels[i];
      if (!Array.isArray(example) || !Array.isArray(wordLabels)) {
        throw new AlignInputError(`example ${i}: "${textColumn}" and "${labelColumn}" must be lists`);
      }
      if (example.length !== wordLabels.length) {
        throw new AlignInputError(
          `example ${i}: ${example.length} words but ${wordLabels.length} labels in "${labelColumn}"`,
        );
      }
      const encoding = tokenizer.encode(example as string[], {
        isSplitIntoWords: true,
        truncation: true,
        maxLength: options.maxLength ?? tokenizer.modelMaxLength,
      });
      out.input_ids.push(encoding.inputIds);
      out.token_type_ids.push(encoding.tokenTypeIds);
      out.attention_mask.push(encoding.attentionMask);
      out.labels.push(
        alignLabelsWithTokens(wordLabels as number[], encoding.wordIds(), {
          strategy: options.strategy ?? 'all',
          ...(options.labelNames ? { labelNames: options.labelNames } : {}),
        }),
      );
    });
    return out;
  };
}
