/**
 * Fused inference kernels of a post-LayerNorm transformer layer, called by name by `@ner/models`
 * when the active backend registers them and no gradient tape is recording (its composite ops
 * are the reference and run everywhere else). A layer is five kernels instead of ~30 ops:
 *
 * - `NerQkvProjection` inputs `{x, queryWeight, queryBias, keyWeight, keyBias, valueWeight,
 *   valueBias}` (weights `[H, H]` in PyTorch's `[out, in]` layout), attr `bf16`: `[..., 3H]`,
 *   the three Linear outputs side by side, from one product on the concatenated weight (prepared
 *   once per weight, see inference-weights.ts).
 * - `NerSelfAttention` inputs `{qkv [B, T, 3H], mask}` (the additive mask, B x T values, e.g.
 *   `[B, 1, 1, T]`), attrs `numHeads`, `scaleQueryFirst`: the context `[B, T, H]`, heads merged
 *   (scores, mask, softmax and context per batch entry and head, threads over B x heads).
 * - `NerLinearGelu` inputs `{x, weight, bias}`, attr `bf16`: `gelu(x @ weight^T + bias)` (erf).
 * - `NerLinearResidualLayerNorm` inputs `{x, weight, bias, residual, gamma, beta}`, attrs `eps`,
 *   `bf16`: `LayerNorm(x @ weight^T + bias + residual)` over the last axis.
 *
 * `bf16: true` reads the weights as bfloat16 (rounded once, packed once; fp32 accumulation): on
 * vdpbf16ps with the activations rounded to bf16 where the CPU has AVX512_BF16, else (or with
 * `NER_NATIVE_BF16_DOT=0`) widened to fp32 against fp32 activations; on a CPU without AVX-512F,
 * fp32 products on bf16-rounded copies. float32 only.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { requireAddon } from '../addon.js';
import { preparedBias, preparedLinear } from './inference-weights.js';
import { type KernelArgs, float32Of, outputArray, sizeOf } from './util.js';

// The names are one contract with @ner/models (tools/kernel-contract, bundled at build time).
import {
  LINEAR_GELU_KERNEL,
  LINEAR_RESIDUAL_LAYER_NORM_KERNEL,
  QKV_PROJECTION_KERNEL,
  SELF_ATTENTION_KERNEL,
} from '../../../../tools/kernel-contract/index.js';

export {
  LINEAR_GELU_KERNEL,
  LINEAR_RESIDUAL_LAYER_NORM_KERNEL,
  QKV_PROJECTION_KERNEL,
  SELF_ATTENTION_KERNEL,
};

const EPILOGUE_NONE = 0;
const EPILOGUE_GELU = 1;
const EPILOGUE_RESIDUAL_LAYER_NORM = 2;

function input(
  args: KernelArgs,
  kernel: string,
  name: string,
): { info: tf.TensorInfo; values: Float32Array } {
  const info = args.inputs[name] as tf.TensorInfo | undefined;
  const values = info ? float32Of(args.backend, info) : null;
  if (!info || !values) throw new Error(`${kernel}: input "${name}" must be a float32 tensor`);
  return { info, values };
}

function expectShape(kernel: string, name: string, shape: readonly number[], want: readonly number[]): void {
  if (shape.length !== want.length || shape.some((d, i) => d !== want[i]))
    throw new Error(`${kernel}: input "${name}" has shape [${shape}], expected [${want}]`);
}

/** x `[..., k]` as rows x k, with the weight `[n, k]` checked against it. */
function rowsOf(
  kernel: string,
  x: tf.TensorInfo,
  weight: tf.TensorInfo,
): { rows: number; k: number; n: number } {
  const k = x.shape[x.shape.length - 1];
  if (x.shape.length < 2 || !k) throw new Error(`${kernel}: x must be [..., features], got [${x.shape}]`);
  if (weight.shape.length !== 2 || weight.shape[1] !== k)
    throw new Error(`${kernel}: weight has shape [${weight.shape}], expected [out, ${k}] for x [${x.shape}]`);
  return { rows: sizeOf(x.shape) / k, k, n: weight.shape[0]! };
}

function bf16Of(args: KernelArgs): boolean {
  return (args.attrs as { bf16?: boolean } | undefined)?.bf16 === true;
}

export function qkvProjectionKernel(args: KernelArgs): tf.TensorInfo {
  const K = QKV_PROJECTION_KERNEL;
  const x = input(args, K, 'x');
  const parts = ['query', 'key', 'value'].map((p) => ({
    weight: input(args, K, `${p}Weight`),
    bias: input(args, K, `${p}Bias`),
  }));
  const { rows, k, n } = rowsOf(K, x.info, parts[0]!.weight.info);
  for (const [i, p] of parts.entries()) {
    expectShape(K, `${['query', 'key', 'value'][i]}Weight`, p.weight.info.shape, [n, k]);
    expectShape(K, `${['query', 'key', 'value'][i]}Bias`, p.bias.info.shape, [n]);
  }
  const weight = preparedLinear(
    parts.map((p) => p.weight.values),
    k,
    bf16Of(args),
  );
  const bias = preparedBias(parts.map((p) => p.bias.values));
  const y = outputArray(rows * 3 * n);
  requireAddon().linearAct(
    x.values,
    weight.weight,
    weight.packed,
    weight.packedBf16,
    bias,
    y,
    rows,
    3 * n,
    k,
    EPILOGUE_NONE,
    null,
    null,
    null,
    0,
    weight.bf16Pairs,
  );
  return args.backend.makeTensorInfo([...x.info.shape.slice(0, -1), 3 * n], 'float32', y);
}

export function selfAttentionKernel(args: KernelArgs): tf.TensorInfo {
  const K = SELF_ATTENTION_KERNEL;
  const qkv = input(args, K, 'qkv');
  const { numHeads, scaleQueryFirst } = (args.attrs ?? {}) as {
    numHeads?: number;
    scaleQueryFirst?: boolean;
  };
  const [batch, length, width] = qkv.info.shape as [number, number, number];
  if (qkv.info.shape.length !== 3 || !batch || !length || !width || width % 3 !== 0)
    throw new Error(`${K}: qkv must be [batch, length, 3 * hidden], got [${qkv.info.shape}]`);
  const hidden = width / 3;
  if (!numHeads || !Number.isInteger(numHeads) || hidden % numHeads !== 0)
    throw new Error(`${K}: numHeads (${numHeads}) must be a positive divisor of the hidden size ${hidden}`);
  const maskInfo = args.inputs.mask as tf.TensorInfo | undefined;
  const mask = maskInfo ? input(args, K, 'mask').values : null;
  if (mask && mask.length !== batch * length)
    throw new Error(
      `${K}: mask has shape [${maskInfo!.shape}], expected batch x length = ${batch} x ${length} values`,
    );
  const out = outputArray(batch * length * hidden);
  requireAddon().selfAttention(
    qkv.values,
    mask,
    out,
    batch,
    length,
    numHeads,
    hidden / numHeads,
    !!scaleQueryFirst,
  );
  return args.backend.makeTensorInfo([batch, length, hidden], 'float32', out);
}

function linearWithEpilogue(args: KernelArgs, kernel: string, epilogue: number): tf.TensorInfo {
  const x = input(args, kernel, 'x');
  const w = input(args, kernel, 'weight');
  const b = input(args, kernel, 'bias');
  const { rows, k, n } = rowsOf(kernel, x.info, w.info);
  expectShape(kernel, 'bias', b.info.shape, [n]);
  let residual: Float32Array | null = null;
  let gamma: Float32Array | null = null;
  let beta: Float32Array | null = null;
  const outShape = [...x.info.shape.slice(0, -1), n];
  if (epilogue === EPILOGUE_RESIDUAL_LAYER_NORM) {
    const r = input(args, kernel, 'residual');
    expectShape(kernel, 'residual', r.info.shape, outShape);
    residual = r.values;
    gamma = input(args, kernel, 'gamma').values;
    beta = input(args, kernel, 'beta').values;
    if (gamma.length !== n || beta.length !== n)
      throw new Error(`${kernel}: gamma and beta must have ${n} values (the output width)`);
  }
  const weight = preparedLinear([w.values], k, bf16Of(args));
  const y = outputArray(rows * n);
  const eps = (args.attrs as { eps?: number } | undefined)?.eps ?? 1e-12;
  requireAddon().linearAct(
    x.values,
    weight.weight,
    weight.packed,
    weight.packedBf16,
    b.values,
    y,
    rows,
    n,
    k,
    epilogue,
    residual,
    gamma,
    beta,
    eps,
    weight.bf16Pairs,
  );
  return args.backend.makeTensorInfo(outShape, 'float32', y);
}

export function linearGeluKernel(args: KernelArgs): tf.TensorInfo {
  return linearWithEpilogue(args, LINEAR_GELU_KERNEL, EPILOGUE_GELU);
}

export function linearResidualLayerNormKernel(args: KernelArgs): tf.TensorInfo {
  return linearWithEpilogue(args, LINEAR_RESIDUAL_LAYER_NORM_KERNEL, EPILOGUE_RESIDUAL_LAYER_NORM);
}
