/**
 * `NerEmbeddings`: BERT's embedding layer (DistilBERT's without token types) in eval mode as one
 * kernel, called by name by `@ner/models` when the active backend registers it and no gradient
 * tape is recording. As tfjs ops the layer is a word gather, a token-type gather, a position
 * slice, two adds and a LayerNorm, each a fresh `[B, T, H]` output: on a batch, most of the page
 * faults left in a first forward. Here each token's row is summed into the one output and
 * LayerNorm'd in place (embeddings.cc), with the adds in the ops' order ((words + types) +
 * positions) and NerLayerNorm's own row function, so the output is the ops' on this backend bit
 * for bit.
 *
 * Inputs: `inputIds` `[B, T]` int32, `tokenTypeIds` `[B, T]` int32 (optional), `wordEmbeddings`
 * `[V, H]`, `positionEmbeddings` `[P, H]` (T <= P), `tokenTypeEmbeddings` `[Tt, H]` (given exactly
 * when `tokenTypeIds` is), `gamma`, `beta` `[H]`. Attr `eps`. Output `[B, T, H]` float32. Bad
 * inputs throw {@link EmbeddingsInputError} before anything is computed.
 */
import type * as tf from '@tensorflow/tfjs-core';
import * as contract from '../../../../tools/kernel-contract/index.js';
import { requireAddon } from '../addon.js';
import { coarseClassArray, recycleClassArray, usesCoarseClass } from './size-class-pool.js';
import { type KernelArgs, float32Of, int32Of, outputArray } from './util.js';

/** The kernel's name, agreed with `@ner/models` in tools/kernel-contract. */
export const EMBEDDINGS_KERNEL = contract.EMBEDDINGS_KERNEL;

/**
 * A bad input to {@link EMBEDDINGS_KERNEL}: `input` names it; for an id outside its table,
 * `index` is its `[batch, position]` and `value` the id. Nothing was computed.
 */
export class EmbeddingsInputError extends Error {
  override readonly name = 'EmbeddingsInputError';

  constructor(
    message: string,
    /** The kernel input at fault, e.g. `inputIds`. */
    readonly input: string,
    /** `[batch, position]` of the offending id, when it is one. */
    readonly index?: readonly [number, number],
    /** The offending id. */
    readonly value?: number,
  ) {
    super(`${EMBEDDINGS_KERNEL}: ${message}`);
  }
}

function tensorInfo(args: KernelArgs, name: string): tf.TensorInfo | undefined {
  return args.inputs[name] as tf.TensorInfo | undefined;
}

/** The int32 `[batch, length]` ids of input `name`. */
function ids(args: KernelArgs, name: string, shape: readonly number[] | null): Int32Array {
  const info = tensorInfo(args, name);
  const values = info ? int32Of(args.backend, info) : null;
  if (!info || !values) throw new EmbeddingsInputError(`input "${name}" must be an int32 tensor`, name);
  const ok = shape ? sameShape(info.shape, shape) : info.shape.length === 2;
  if (!ok)
    throw new EmbeddingsInputError(
      `input "${name}" has shape [${info.shape}], expected ${shape ? `[${shape}]` : '[batch, length]'}`,
      name,
    );
  return values;
}

/** The float32 table `[rows, hidden]` (or vector `[hidden]` when `rows` is null) of input `name`. */
function floats(args: KernelArgs, name: string, hidden: number | null, vector = false): Float32Array {
  const info = tensorInfo(args, name);
  const values = info ? float32Of(args.backend, info) : null;
  if (!info || !values) throw new EmbeddingsInputError(`input "${name}" must be a float32 tensor`, name);
  const [rows, width] = vector ? [1, info.shape[0]] : info.shape;
  const ok =
    info.shape.length === (vector ? 1 : 2) && !!rows && !!width && (hidden === null || width === hidden);
  if (!ok)
    throw new EmbeddingsInputError(
      `input "${name}" has shape [${info.shape}], expected ${vector ? `[${hidden}]` : `[rows, ${hidden ?? 'hidden'}]`}`,
      name,
    );
  return values;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function embeddingsKernel(args: KernelArgs): tf.TensorInfo {
  const inputIds = ids(args, 'inputIds', null);
  const [batch, length] = tensorInfo(args, 'inputIds')!.shape as [number, number];
  const words = floats(args, 'wordEmbeddings', null);
  const [vocab, hidden] = tensorInfo(args, 'wordEmbeddings')!.shape as [number, number];
  const positions = floats(args, 'positionEmbeddings', hidden);
  const maxPositions = tensorInfo(args, 'positionEmbeddings')!.shape[0]!;
  if (length > maxPositions)
    throw new EmbeddingsInputError(
      `the sequence length ${length} exceeds the ${maxPositions} rows of "positionEmbeddings"`,
      'positionEmbeddings',
    );
  const hasTypeIds = tensorInfo(args, 'tokenTypeIds') !== undefined;
  if (hasTypeIds !== (tensorInfo(args, 'tokenTypeEmbeddings') !== undefined))
    throw new EmbeddingsInputError(
      '"tokenTypeIds" and "tokenTypeEmbeddings" are given together or not at all',
      hasTypeIds ? 'tokenTypeEmbeddings' : 'tokenTypeIds',
    );
  const typeIds = hasTypeIds ? ids(args, 'tokenTypeIds', [batch, length]) : null;
  const types = hasTypeIds ? floats(args, 'tokenTypeEmbeddings', hidden) : null;
  const typeVocab = hasTypeIds ? tensorInfo(args, 'tokenTypeEmbeddings')!.shape[0]! : 0;
  const gamma = floats(args, 'gamma', hidden, true);
  const beta = floats(args, 'beta', hidden, true);
  const eps = (args.attrs?.eps as number | undefined) ?? 1e-12;
  const rows = batch * length;
  // An empty batch (or empty rows) embeds to an empty output, as the composite ops do.
  if (rows === 0) return args.backend.makeTensorInfo([batch, length, hidden], 'float32', new Float32Array(0));
  // A batch's output: a coarse size class (size-class-pool.ts), as NerEncoderLayer's, so a repeated
  // or similar batch shape writes pages an earlier output already faulted in.
  const y = usesCoarseClass(rows * hidden) ? coarseClassArray(rows * hidden) : outputArray(rows * hidden);
  const invalid = requireAddon().embeddings(
    inputIds,
    typeIds,
    words,
    positions,
    types,
    gamma,
    beta,
    y,
    batch,
    length,
    hidden,
    eps,
  );
  if (invalid >= 0) {
    // Ids are checked before anything is written: the output goes back unused (when it is the
    // pool's) and the first bad id is reported.
    recycleClassArray(y, false);
    const isType = invalid >= rows;
    const flat = isType ? invalid - rows : invalid;
    const input = isType ? 'tokenTypeIds' : 'inputIds';
    const value = (isType ? typeIds! : inputIds)[flat]!;
    const index: [number, number] = [Math.floor(flat / length), flat % length];
    const table = isType ? typeVocab : vocab;
    throw new EmbeddingsInputError(
      `${input}[${index[0]}, ${index[1]}] = ${value} is outside [0, ${table}) (the rows of "${isType ? 'tokenTypeEmbeddings' : 'wordEmbeddings'}")`,
      input,
      index,
      value,
    );
  }
  return args.backend.makeTensorInfo([batch, length, hidden], 'float32', y);
}
