/**
 * What goes into and comes out of the models: batches (tensors or plain
 * arrays, as the collator produces them) and Python-named outputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BatchTensorLike, ModelBatch } from '@ner/collate';
import { InputError } from './errors.js';
import { assertOptionNames, type ListIsWhole, type UnlistedOptions } from './option-names.js';
import type { EncoderResult } from './model-family.js';
import type { PretrainedConfig } from './pretrained-config.js';

/**
 * The batch a model takes is `@ner/collate`'s `ModelBatch`: Python's keys (`input_ids`,
 * `attention_mask`, `token_type_ids`, `labels`) with the collator's host tensors, tfjs tensors or
 * plain arrays as values. `attention_mask` defaults to all ones; `token_type_ids` to zeros (BERT;
 * DistilBERT ignores it); `labels` are `[B, T]` token ids (-100 = ignore) for token classification,
 * `[B]` class ids (int), `[B]`/`[B, 1]` floats for regression or `[B, C]` floats for multi-label
 * sequence classification. Label dtype decides the problem type as in Python: a host tensor or
 * tensor keeps its dtype; plain arrays become int32 when every value is an integer.
 */
export type { BatchTensorLike, ModelBatch };

/**
 * The batch with Python's keys, checked: a plain object with `input_ids`. Anything else (a camelCase
 * batch of earlier releases, a missing key) is refused with an `InputError` naming the keys found
 * and the keys expected.
 */
export function pythonKeys(batch: ModelBatch): ModelBatch {
  if (batch === null || typeof batch !== 'object') {
    throw new InputError(
      `expected a batch object with input_ids, got ${batch === null ? 'null' : typeof batch}.`,
    );
  }
  if ('input_ids' in batch) return batch;
  const keys = Object.keys(batch);
  const camelCase = keys.some((key) => CAMEL_CASE_KEYS.has(key))
    ? ' camelCase keys are no longer read: rename inputIds → input_ids, attentionMask → attention_mask, tokenTypeIds → token_type_ids.'
    : '';
  throw new InputError(
    `the batch has no input_ids (keys: ${keys.join(', ') || 'none'}); expected Python's keys input_ids, attention_mask, token_type_ids, labels.${camelCase}`,
  );
}

/** The keys of the camelCase batch that earlier releases read, named in the error that refuses it. */
const CAMEL_CASE_KEYS = new Set(['inputIds', 'attentionMask', 'tokenTypeIds']);

/** Options of `forward`. */
export interface ForwardOptions {
  /** Dropout on (like `model.train()`); default false (`model.eval()`). */
  readonly training?: boolean;
  /** Return every layer's output (`output_hidden_states`); default from the config. */
  readonly outputHiddenStates?: boolean;
  /** Return attention probabilities (`output_attentions`); default from the config. */
  readonly outputAttentions?: boolean;
}

const FORWARD_OPTION_NAMES = [
  'training',
  'outputHiddenStates',
  'outputAttentions',
] as const satisfies readonly (keyof ForwardOptions)[];

/** A compile error here names an option to add to FORWARD_OPTION_NAMES. */
export const forwardOptionNamesAreWhole: ListIsWhole<
  UnlistedOptions<ForwardOptions, typeof FORWARD_OPTION_NAMES>
> = true;

/**
 * Throws {@link InputError} for an option `forward` does not take, as Python's `forward()` raises
 * `TypeError` for an unexpected keyword argument: `{ output_attentions: true }` would otherwise
 * return no attentions without a word.
 */
export function checkForwardOptions(options: unknown): void {
  assertOptionNames(
    options,
    {
      known: FORWARD_OPTION_NAMES,
      unsupported: {
        returnDict: { reason: 'the output is always an object (ModelOutput)', harmless: [true, null] },
      },
      hint: 'the labels go in the batch',
    },
    (name, problem) => new InputError(`forward: ${name ? `${name}: ` : ''}${problem}`),
  );
}

/** An output being filled in (the public types are read-only). */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The per-layer results a forward returns on request (`output_hidden_states`, `output_attentions`). */
export interface LayerOutputs {
  /** Embedding output then each layer's output, `[B, T, H]` each. */
  readonly hiddenStates?: tf.Tensor3D[];
  /** Attention probabilities per layer, `[B, heads, T, T]`. */
  readonly attentions?: tf.Tensor4D[];
}

/** Output of a head model, like transformers' `TokenClassifierOutput` / `SequenceClassifierOutput`. */
export interface ModelOutput extends LayerOutputs {
  /** `[B, T, C]` (token heads) or `[B, C]` (sequence heads). */
  readonly logits: tf.Tensor;
  /** Present when `labels` were given. */
  readonly loss?: tf.Scalar;
}

/** Output of a base encoder, like `BaseModelOutputWithPooling`. */
export interface BaseModelOutput extends LayerOutputs {
  /** `[B, T, H]`; `lastHiddenState[:, 0]` are the "[CLS] features". */
  readonly lastHiddenState: tf.Tensor3D;
  /** `tanh(dense(lastHiddenState[:, 0]))`, BERT with a pooler only. */
  readonly poolerOutput?: tf.Tensor2D;
}

/** The hidden states and attentions of `result` that the options (or else the config) ask for. */
export function requestedLayerOutputs(
  config: PretrainedConfig,
  result: EncoderResult,
  options: ForwardOptions,
): LayerOutputs {
  const output: Mutable<LayerOutputs> = {};
  if (options.outputHiddenStates ?? config.outputHiddenStates) output.hiddenStates = result.hiddenStates;
  if (options.outputAttentions ?? config.outputAttentions) output.attentions = result.attentions;
  return output;
}

/** A head's output: logits, the loss when computed, and the layer outputs asked for. */
export function headOutput(
  config: PretrainedConfig,
  result: EncoderResult,
  logits: tf.Tensor,
  loss: tf.Scalar | null,
  options: ForwardOptions,
): ModelOutput {
  return { logits, ...(loss ? { loss } : {}), ...requestedLayerOutputs(config, result, options) };
}

/** Converts a batch field to a tensor of the given dtype (arrays keep `preferInt` integers as int32). */
export function toTensor(
  value: BatchTensorLike,
  field: string,
  dtype: 'int32' | 'float32' | 'auto',
): tf.Tensor {
  if (value instanceof tf.Tensor) {
    if (dtype === 'auto' || value.dtype === dtype) return value;
    return tf.cast(value, dtype);
  }
  let data: ArrayLike<number>;
  let shape: number[];
  let declared: 'int32' | 'float32' | null = null;
  if (Array.isArray(value)) {
    if (value.length > 0 && Array.isArray(value[0])) {
      const rows = value as number[][];
      const width = rows[0]!.length;
      rows.forEach((row, index) => {
        if (!Array.isArray(row) || row.length !== width) {
          throw new InputError(
            `${field}: row ${index} has ${row?.length} values, row 0 has ${width}; pad the batch first.`,
          );
        }
      });
      data = rows.flat();
      shape = [rows.length, width];
    } else {
      data = value as number[];
      shape = [value.length];
    }
  } else {
    data = value.data;
    shape = [...value.shape];
    // A collator's host tensor says its dtype: float labels stay float (regression) even when whole.
    if ('dtype' in value && (value.dtype === 'int32' || value.dtype === 'float32')) declared = value.dtype;
  }
  for (let i = 0; i < data.length; i++) {
    if (typeof data[i] !== 'number' || Number.isNaN(data[i])) {
      throw new InputError(`${field}: value at flat index ${i} is not a number.`);
    }
  }
  let resolved = dtype === 'auto' && declared !== null ? declared : dtype;
  if (resolved === 'auto') {
    resolved = 'int32';
    for (let i = 0; i < data.length; i++) {
      if (!Number.isInteger(data[i])) {
        resolved = 'float32';
        break;
      }
    }
  }
  return tf.tensor(data as number[], shape, resolved);
}

/** Input tensors after conversion and checks. */
export interface PreparedInputs {
  readonly inputIds: tf.Tensor2D;
  readonly attentionMask: tf.Tensor2D;
  readonly tokenTypeIds: tf.Tensor2D | null;
  readonly labels: tf.Tensor | null;
}

/**
 * Converts and checks a batch: shapes `[B, T]` agree, ids lie in
 * `[0, vocabSize)`, token types in `[0, typeVocabSize)`, `T` fits the
 * position table. Values are read back once to give a clear error instead of
 * a backend gather failure.
 */
export function prepareInputs(
  input: ModelBatch,
  limits: { vocabSize: number; maxPositions: number; typeVocabSize: number | null },
): PreparedInputs {
  const batch = pythonKeys(input);
  const inputIds = toTensor(batch.input_ids, 'input_ids', 'int32');
  if (inputIds.rank !== 2) {
    throw new InputError(`input_ids must be [batch, sequence], got shape [${inputIds.shape.join(', ')}].`);
  }
  const [batchSize, length] = inputIds.shape as [number, number];
  if (length > limits.maxPositions) {
    throw new InputError(
      `input_ids has ${length} tokens per row but max_position_embeddings is ${limits.maxPositions}; truncate the inputs.`,
    );
  }
  checkRange(inputIds, 'input_ids', 0, limits.vocabSize, 'vocab_size');
  const sameShape = (tensor: tf.Tensor, field: string) => {
    if (tensor.rank !== 2 || tensor.shape[0] !== batchSize || tensor.shape[1] !== length) {
      throw new InputError(
        `${field} has shape [${tensor.shape.join(', ')}]; expected [${batchSize}, ${length}] like input_ids.`,
      );
    }
  };
  let attentionMask: tf.Tensor;
  if (batch.attention_mask != null) {
    attentionMask = toTensor(batch.attention_mask, 'attention_mask', 'float32');
    sameShape(attentionMask, 'attention_mask');
  } else {
    attentionMask = tf.ones([batchSize, length], 'float32');
  }
  let tokenTypeIds: tf.Tensor | null = null;
  if (limits.typeVocabSize !== null) {
    if (batch.token_type_ids != null) {
      tokenTypeIds = toTensor(batch.token_type_ids, 'token_type_ids', 'int32');
      sameShape(tokenTypeIds, 'token_type_ids');
      checkRange(tokenTypeIds, 'token_type_ids', 0, limits.typeVocabSize, 'type_vocab_size');
    } else {
      tokenTypeIds = tf.zeros([batchSize, length], 'int32');
    }
  }
  const labels = batch.labels != null ? toTensor(batch.labels, 'labels', 'auto') : null;
  return {
    inputIds: inputIds as tf.Tensor2D,
    attentionMask: attentionMask as tf.Tensor2D,
    tokenTypeIds: tokenTypeIds as tf.Tensor2D | null,
    labels,
  };
}

function checkRange(tensor: tf.Tensor, field: string, low: number, high: number, limitName: string): void {
  const values = tensor.dataSync();
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value < low || value >= high) {
      const row = Math.floor(i / tensor.shape[1]!);
      const column = i % tensor.shape[1]!;
      throw new InputError(
        `${field}[${row}][${column}] = ${value} is outside [${low}, ${high}) (${limitName} = ${high}).`,
      );
    }
  }
}

/** Checks class labels: each in `[0, classes)` or -100. */
export function checkClassLabels(labels: tf.Tensor, classes: number): void {
  const values = labels.dataSync();
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value !== -100 && (value < 0 || value >= classes || !Number.isInteger(value))) {
      throw new InputError(
        `labels: value ${value} at flat index ${i} is not a class id in [0, ${classes}) or -100 (ignored).`,
      );
    }
  }
}
