/**
 * `NerEncoderLayer`: one post-LayerNorm encoder layer (BERT's `BertLayer`, DistilBERT's
 * `TransformerBlock`) in eval mode as one kernel, called by name by `@ner/models` when the active
 * backend registers it and no gradient tape is recording. It runs the five steps of the fused
 * inference kernels (inference.ts) in one addon call, with the intermediates (q/k/v, attention
 * context, the attention block's output, the GELU output) in a scratch buffer kept across calls,
 * so a layer is one tfjs op and one output allocation instead of five of each.
 *
 * Inputs: `x` `[B, T, H]`, `mask` (the additive mask, B x T values, e.g. `[B, 1, 1, T]`; optional),
 * `queryWeight`, `queryBias`, `keyWeight`, `keyBias`, `valueWeight`, `valueBias` (`[H, H]`, `[H]`),
 * `attentionOutputWeight` `[H, H]`, `attentionOutputBias`, `attentionNormGamma`,
 * `attentionNormBeta`, `intermediateWeight` `[I, H]`, `intermediateBias` `[I]`, `outputWeight`
 * `[H, I]`, `outputBias`, `outputNormGamma`, `outputNormBeta` (`[H]`). Attrs: `numHeads`,
 * `scaleQueryFirst` (DistilBERT: q / sqrt(d) before q kᵀ), `eps` (both LayerNorms), `bf16`.
 * Output `[B, T, H]`: `LayerNorm(a + gelu(a W1ᵀ + b1) W2ᵀ + b2)` with
 * `a = LayerNorm(x + Attention(x) Woᵀ + bo)`, erf GELU. The same functions in the same order as
 * the five kernels, so the output is theirs bit for bit (and within 1e-5 of the composite ops).
 */
import type * as tf from '@tensorflow/tfjs-core';
import * as contract from '../../../../tools/kernel-contract/index.js';
import { requireAddon } from '../addon.js';
import { type PreparedLinear, preparedBias, preparedLinear } from './inference-weights.js';
import { coarseClassArray, usesCoarseClass } from './size-class-pool.js';
import { type KernelArgs, float32Of, outputArray, sizeOf } from './util.js';

/** The kernel's name, agreed with `@ner/models` in tools/kernel-contract. */
export const ENCODER_LAYER_KERNEL = contract.ENCODER_LAYER_KERNEL;

const K = ENCODER_LAYER_KERNEL;

function values(args: KernelArgs, name: string, shape: readonly number[]): Float32Array {
  const info = args.inputs[name] as tf.TensorInfo | undefined;
  const array = info ? float32Of(args.backend, info) : null;
  if (!info || !array) throw new Error(`${K}: input "${name}" must be a float32 tensor`);
  if (info.shape.length !== shape.length || info.shape.some((d, i) => d !== shape[i]))
    throw new Error(`${K}: input "${name}" has shape [${info.shape}], expected [${shape}]`);
  return array;
}

/**
 * Scratch for the layer's intermediates, grown (to the next power of two) when a call needs more
 * and kept: batches of new shapes reuse memory that is already mapped instead of faulting in
 * fresh pages for every intermediate of every layer. Huge-page memory (allocPacked), one per
 * thread (module state is per worker). {@link releaseEncoderLayerScratch} drops it.
 */
let scratch: Float32Array | null = null;

function scratchOf(floats: number): Float32Array {
  if (scratch && scratch.length >= floats) return scratch;
  scratch = null; // the old buffer may go before the new one is allocated
  scratch = requireAddon().allocPacked(2 ** Math.ceil(Math.log2(floats)));
  return scratch;
}

/** Frees the scratch the encoder layer kernel keeps (the next call allocates it again). */
export function releaseEncoderLayerScratch(): void {
  scratch = null;
}

/** Floats of scratch held now (0 when none), for the tests. */
export function encoderLayerScratchFloats(): number {
  return scratch?.length ?? 0;
}

/** The five arguments of one Linear in the addon's encoderLayer call. */
function linearArgs(weight: PreparedLinear, bias: Float32Array) {
  return [weight.weight, weight.packed, weight.packedBf16, bias, weight.bf16Pairs] as const;
}

export function encoderLayerKernel(args: KernelArgs): tf.TensorInfo {
  const xInfo = args.inputs.x as tf.TensorInfo | undefined;
  const xShape = xInfo?.shape ?? [];
  if (xShape.length !== 3 || xShape.some((d) => !d))
    throw new Error(`${K}: x must be [batch, length, hidden], got [${xInfo ? xShape : 'none'}]`);
  const [batch, length, hidden] = xShape as [number, number, number];
  const attrs = (args.attrs ?? {}) as {
    numHeads?: number;
    scaleQueryFirst?: boolean;
    eps?: number;
    bf16?: boolean;
  };
  const { numHeads } = attrs;
  if (!numHeads || !Number.isInteger(numHeads) || hidden % numHeads !== 0)
    throw new Error(`${K}: numHeads (${numHeads}) must be a positive divisor of the hidden size ${hidden}`);
  const intermediateShape = (args.inputs.intermediateWeight as tf.TensorInfo | undefined)?.shape ?? [];
  const intermediate = intermediateShape[0] ?? 0;
  if (intermediateShape.length !== 2 || !intermediate)
    throw new Error(
      `${K}: input "intermediateWeight" must be [intermediate, ${hidden}], got [${intermediateShape}]`,
    );
  const x = values(args, 'x', xShape);
  const maskInfo = args.inputs.mask as tf.TensorInfo | undefined;
  const mask = maskInfo ? float32Of(args.backend, maskInfo) : null;
  if (maskInfo && (!mask || sizeOf(maskInfo.shape) !== batch * length))
    throw new Error(
      `${K}: mask has shape [${maskInfo.shape}], expected batch x length = ${batch} x ${length} float32 values`,
    );
  const square = [hidden, hidden];
  const vector = [hidden];
  const bf16 = attrs.bf16 === true;
  const qkvSources = ['query', 'key', 'value'].map((p) => values(args, `${p}Weight`, square));
  const qkvBiases = ['query', 'key', 'value'].map((p) => values(args, `${p}Bias`, vector));
  const qkv = linearArgs(preparedLinear(qkvSources, hidden, bf16), preparedBias(qkvBiases));
  const attentionOutput = linearArgs(
    preparedLinear([values(args, 'attentionOutputWeight', square)], hidden, bf16),
    values(args, 'attentionOutputBias', vector),
  );
  const inner = linearArgs(
    preparedLinear([values(args, 'intermediateWeight', [intermediate, hidden])], hidden, bf16),
    values(args, 'intermediateBias', [intermediate]),
  );
  const output = linearArgs(
    preparedLinear([values(args, 'outputWeight', [hidden, intermediate])], intermediate, bf16),
    values(args, 'outputBias', vector),
  );
  const norms = ['attentionNormGamma', 'attentionNormBeta', 'outputNormGamma', 'outputNormBeta'].map((n) =>
    values(args, n, vector),
  );
  const addon = requireAddon();
  const rows = batch * length;
  const work = scratchOf(addon.encoderLayerScratchSize(rows, hidden, intermediate));
  // Batches: the output's length changes with every new batch shape, so it comes from a coarse size
  // class (size-class-pool.ts), where a new length can reuse pages an earlier output touched.
  const y = usesCoarseClass(rows * hidden) ? coarseClassArray(rows * hidden) : outputArray(rows * hidden);
  addon.encoderLayer(
    x,
    mask,
    y,
    work,
    batch,
    length,
    hidden,
    intermediate,
    numHeads,
    attrs.scaleQueryFirst === true,
    attrs.eps ?? 1e-12,
    ...qkv,
    ...attentionOutput,
    ...inner,
    ...output,
    norms[0]!,
    norms[1]!,
    norms[2]!,
    norms[3]!,
  );
  return args.backend.makeTensorInfo([batch, length, hidden], 'float32', y);
}
