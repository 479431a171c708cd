import { type FeatureRow, describeValue, readIntSequence, requireKey, tensorizeColumn } from './columns.js';
import type { ModelBatch } from './model-batch.js';
import { CollateConfigError, CollateError, assertInteger } from './errors.js';
import { HostTensor, type IntTensor } from './host-tensor.js';
import { checkOptionNames } from './option-names.js';

/** How rows are padded, as transformers' `PaddingStrategy`. */
export type PaddingStrategy = 'longest' | 'max_length' | 'do_not_pad';

/** `padding` as the collators accept it: `true` = `'longest'`, `false` = `'do_not_pad'`, as in Python. */
export type PaddingOption = boolean | PaddingStrategy;

/** Which end of a row receives the padding (`tokenizer.padding_side`). */
export type PaddingSide = 'right' | 'left';

/**
 * The tokenizer fields padding needs. Any tokenizer object with (some of) these members works,
 * e.g. the one from `@ner/align`; every field is optional and explicit collator options win over it.
 */
export interface PadTokenizerLike {
  /** `tokenizer.pad_token_id`; null/undefined when the tokenizer has no pad token. */
  readonly padTokenId?: number | null;
  /** `tokenizer.pad_token_type_id` (0 for BERT). */
  readonly padTokenTypeId?: number;
  /** `tokenizer.padding_side`. */
  readonly paddingSide?: PaddingSide;
  /** `tokenizer.model_max_length`, used by `padding: 'max_length'` when no `maxLength` is given. */
  readonly modelMaxLength?: number;
  /** `tokenizer.model_input_names`; decides whether an attention mask is created when rows lack one. */
  readonly modelInputNames?: readonly string[];
}

/** Padding options shared by the collators and {@link padFeatures} (transformers' names, camelCased). */
export interface PadOptions {
  /** Where pad id, pad token type id, padding side and model max length come from when not given here. */
  tokenizer?: PadTokenizerLike;
  /** Id written into padded `input_ids` positions. Required (here or on the tokenizer) unless padding is off. */
  padTokenId?: number;
  /** Value written into padded `token_type_ids` positions. Default: the tokenizer's, else 0. */
  padTokenTypeId?: number;
  /** `true`/`'longest'` (default), `'max_length'`, or `false`/`'do_not_pad'`. */
  padding?: PaddingOption;
  /** Target length for `padding: 'max_length'` (default: the tokenizer's `modelMaxLength`). Ignored by `'longest'`. */
  maxLength?: number;
  /** Round the padded length up to a multiple of this (after `'longest'` or `maxLength`). */
  padToMultipleOf?: number;
  /** Default: the tokenizer's, else `'right'`. */
  paddingSide?: PaddingSide;
  /**
   * Create `attention_mask` when rows lack one. Default: true, or whether the tokenizer's
   * `modelInputNames` lists `attention_mask`.
   */
  returnAttentionMask?: boolean;
  /**
   * Columns other than `input_ids`, `attention_mask`, `token_type_ids`, `special_tokens_mask` (and the
   * label column the collator handles): `'keep'` (default, like Python) turns them into tensors without
   * padding and fails on text or ragged lists; `'drop'` leaves them out of the batch.
   */
  extraKeys?: 'keep' | 'drop';
}

/** Options after defaults and the tokenizer have been applied. */
export interface ResolvedPadOptions {
  readonly strategy: PaddingStrategy;
  readonly padTokenId: number;
  readonly padTokenTypeId: number;
  readonly maxLength: number | undefined;
  readonly padToMultipleOf: number | undefined;
  readonly paddingSide: PaddingSide;
  readonly returnAttentionMask: boolean;
  readonly extraKeys: 'keep' | 'drop';
}

/**
 * A collated batch: Hugging Face column names (so it lines up with Python and with model `forward`
 * argument names) mapping to host tensors. Per-token columns are `[rows, cols]` int32. It is a
 * {@link ModelBatch}: models take it as it is.
 */
export interface CollatedBatch extends ModelBatch {
  input_ids: IntTensor;
  attention_mask?: IntTensor;
  token_type_ids?: IntTensor;
  special_tokens_mask?: IntTensor;
  /** `[rows, cols]` int32 for token classification, `[rows]` (or `[rows, k]`) for sequence classification. */
  labels?: HostTensor;
  [key: string]: HostTensor | undefined;
}

/** transformers' LARGE_INTEGER: a `model_max_length` above it means "no limit" (unset ones are 1e30). */
const LARGE_INTEGER = 1e20;

/** The per-token columns `tokenizer.pad` pads, with what it pads them with. */
const PADDED_COLUMNS = ['input_ids', 'token_type_ids', 'special_tokens_mask', 'attention_mask'] as const;

/** Applies defaults and the tokenizer's fields to {@link PadOptions}, validating every number. */
export function resolvePadOptions(options: PadOptions = {}): ResolvedPadOptions {
  const tokenizer = options.tokenizer;
  const strategy = toStrategy(options.padding ?? true);
  const padTokenId = options.padTokenId ?? tokenizer?.padTokenId ?? undefined;
  if (padTokenId === undefined || padTokenId === null) {
    if (strategy !== 'do_not_pad') {
      throw new CollateConfigError(
        'padTokenId',
        'asking to pad but no pad token id was given: pass padTokenId, or a tokenizer with padTokenId',
      );
    }
  } else {
    // Python refuses a negative pad id too ("the tokenizer does not have a padding token").
    assertInteger('padTokenId', padTokenId, strategy === 'do_not_pad' ? -(2 ** 31) : 0);
  }
  const padTokenTypeId = options.padTokenTypeId ?? tokenizer?.padTokenTypeId ?? 0;
  assertInteger('padTokenTypeId', padTokenTypeId, -(2 ** 31));
  let maxLength = options.maxLength;
  if (maxLength !== undefined) assertInteger('maxLength', maxLength, 1);
  if (strategy === 'max_length' && maxLength === undefined) {
    const modelMax = tokenizer?.modelMaxLength;
    if (modelMax === undefined || !Number.isFinite(modelMax) || modelMax > LARGE_INTEGER) {
      throw new CollateConfigError(
        'maxLength',
        "padding: 'max_length' needs maxLength (or a tokenizer with a finite modelMaxLength)",
      );
    }
    assertInteger('tokenizer.modelMaxLength', modelMax, 1);
    maxLength = modelMax;
  }
  const padToMultipleOf = options.padToMultipleOf;
  if (padToMultipleOf !== undefined) assertInteger('padToMultipleOf', padToMultipleOf, 1);
  const paddingSide = options.paddingSide ?? tokenizer?.paddingSide ?? 'right';
  if (paddingSide !== 'right' && paddingSide !== 'left') {
    throw new CollateConfigError(
      'paddingSide',
      `expected 'right' or 'left', got ${describeValue(paddingSide)}`,
    );
  }
  const returnAttentionMask =
    options.returnAttentionMask ?? tokenizer?.modelInputNames?.includes('attention_mask') ?? true;
  const extraKeys = options.extraKeys ?? 'keep';
  if (extraKeys !== 'keep' && extraKeys !== 'drop') {
    throw new CollateConfigError('extraKeys', `expected 'keep' or 'drop', got ${describeValue(extraKeys)}`);
  }
  return {
    strategy,
    padTokenId: padTokenId ?? 0,
    padTokenTypeId,
    maxLength,
    padToMultipleOf,
    paddingSide,
    returnAttentionMask,
    extraKeys,
  };
}

function toStrategy(padding: PaddingOption): PaddingStrategy {
  if (padding === true) return 'longest';
  if (padding === false) return 'do_not_pad';
  if (padding === 'longest' || padding === 'max_length' || padding === 'do_not_pad') return padding;
  throw new CollateConfigError(
    'padding',
    `expected true, false, 'longest', 'max_length' or 'do_not_pad', got ${describeValue(padding)}`,
  );
}

/**
 * The padded length of a batch, as `tokenizer.pad` computes it: the longest row (`'longest'`) or
 * `maxLength` (`'max_length'`), rounded up to `padToMultipleOf`. Rows already longer than the target are
 * left alone by Python, so the batch is only rectangular if they all end up the same length; otherwise
 * this throws, naming the row.
 */
export function paddedLength(lengths: readonly number[], options: ResolvedPadOptions): number {
  let target: number | undefined;
  if (options.strategy === 'longest') target = Math.max(...lengths);
  else if (options.strategy === 'max_length') target = options.maxLength;
  const multiple = options.padToMultipleOf;
  if (target !== undefined && multiple !== undefined && target % multiple !== 0) {
    target = (Math.floor(target / multiple) + 1) * multiple;
  }
  const width = target === undefined ? lengths[0]! : Math.max(lengths[0]!, target);
  for (let i = 1; i < lengths.length; i++) {
    const rowWidth = target === undefined ? lengths[i]! : Math.max(lengths[i]!, target);
    if (rowWidth === width) continue;
    if (target === undefined) {
      throw new CollateError(
        `row ${i} has ${lengths[i]} input_ids but row 0 has ${lengths[0]}, and padding is off; ` +
          "rows of different lengths need padding: 'longest' (or 'max_length')",
        { row: i, key: 'input_ids' },
      );
    }
    const culprit = lengths.findIndex((length) => length > target);
    throw new CollateError(
      `row ${culprit} has ${lengths[culprit]} input_ids, more than the padded length ${target}` +
        ` (padding: 'max_length', maxLength ${options.maxLength}); truncate when tokenizing ` +
        '(truncation with the same maxLength) or raise maxLength',
      { row: culprit, key: 'input_ids' },
    );
  }
  return width;
}

/** Copies each sequence into a `[rows, width]` Int32Array pre-filled with `padValue`, on the padding side. */
export function padSequences(
  sequences: readonly ArrayLike<number>[],
  width: number,
  padValue: number,
  side: PaddingSide,
): Int32Array {
  const out = new Int32Array(sequences.length * width);
  if (padValue !== 0) out.fill(padValue);
  for (let i = 0; i < sequences.length; i++) {
    const sequence = sequences[i]!;
    out.set(sequence, i * width + (side === 'left' ? width - sequence.length : 0));
  }
  return out;
}

function onesMask(lengths: readonly number[], width: number, side: PaddingSide): Int32Array {
  const out = new Int32Array(lengths.length * width);
  for (let i = 0; i < lengths.length; i++) {
    const start = i * width + (side === 'left' ? width - lengths[i]! : 0);
    out.fill(1, start, start + lengths[i]!);
  }
  return out;
}

/** What {@link padFeaturesDetailed} returns: the batch plus each row's unpadded length. */
export interface PaddedFeatures {
  batch: CollatedBatch;
  /** Unpadded `input_ids` length of each row. */
  lengths: number[];
  /** The padded length (`batch.input_ids.cols`). */
  width: number;
}

/**
 * `tokenizer.pad(rows, ...)` with tensors: pads `input_ids` (pad id), `attention_mask` (0, created as
 * 1s when missing), `token_type_ids` (pad token type id) and `special_tokens_mask` (1) to one length,
 * and turns the other columns of row 0 into unpadded tensors. Columns named in `skip` are left out.
 */
export function padFeaturesDetailed(
  rows: readonly FeatureRow[],
  options: ResolvedPadOptions,
  skip: ReadonlySet<string> = new Set(),
): PaddedFeatures {
  if (rows.length === 0) throw new CollateError('cannot collate an empty list of rows');
  const first = rows[0];
  if (typeof first !== 'object' || first === null || Array.isArray(first)) {
    throw new CollateError(`row 0: expected an object of columns, got ${describeValue(first)}`, { row: 0 });
  }
  if (!('input_ids' in first)) {
    const keys = Object.keys(first);
    const camel = 'inputIds' in first ? " (found 'inputIds': rows use Hugging Face column names)" : '';
    throw new CollateError(
      `row 0 has no 'input_ids'${camel}; expected columns input_ids, attention_mask, token_type_ids, labels ` +
        `but got ${keys.length > 0 ? keys.join(', ') : 'none'}`,
      { row: 0, key: 'input_ids' },
    );
  }
  const side = options.paddingSide;
  const ids = rows.map((row, i) =>
    readIntSequence(requireKey(row, 'input_ids', i, '(every row needs it)'), i, 'input_ids'),
  );
  const lengths = ids.map((sequence) => sequence.length);
  const width = paddedLength(lengths, options);
  const batch: Partial<CollatedBatch> & Record<string, HostTensor | undefined> = {};
  const shape = [rows.length, width];
  const keys = Object.keys(first).filter((key) => !skip.has(key));
  const padValues: Record<(typeof PADDED_COLUMNS)[number], number> = {
    input_ids: options.padTokenId,
    token_type_ids: options.padTokenTypeId,
    special_tokens_mask: 1,
    attention_mask: 0,
  };
  for (const key of keys) {
    if (key === 'input_ids') {
      batch.input_ids = new HostTensor(padSequences(ids, width, options.padTokenId, side), shape, 'int32');
    } else if ((PADDED_COLUMNS as readonly string[]).includes(key)) {
      const sequences = rows.map((row, i) => {
        const sequence = readIntSequence(requireKey(row, key, i, `(row 0 has '${key}')`), i, key);
        if (sequence.length !== lengths[i]) {
          throw new CollateError(
            `row ${i}: '${key}' has ${sequence.length} values but 'input_ids' has ${lengths[i]}`,
            { row: i, key },
          );
        }
        return sequence;
      });
      const padValue = padValues[key as (typeof PADDED_COLUMNS)[number]];
      batch[key] = new HostTensor(padSequences(sequences, width, padValue, side), shape, 'int32');
    } else if (options.extraKeys === 'keep') {
      const values = rows.map((row, i) => requireKey(row, key, i, `(row 0 has '${key}')`));
      batch[key] = tensorizeColumn(values, key);
    }
  }
  if (batch.attention_mask === undefined && options.returnAttentionMask && !skip.has('attention_mask')) {
    batch.attention_mask = new HostTensor(onesMask(lengths, width, side), shape, 'int32');
  }
  return { batch: batch as CollatedBatch, lengths, width };
}

/**
 * `tokenizer.pad(rows, padding, max_length, pad_to_multiple_of, return_tensors=...)` on plain rows:
 * see {@link PadOptions} for the options and {@link padFeaturesDetailed} for what is padded with what.
 */
export function padFeatures(rows: readonly FeatureRow[], options: PadOptions = {}): CollatedBatch {
  checkOptionNames(options, 'padFeatures');
  return padFeaturesDetailed(rows, resolvePadOptions(options)).batch;
}
