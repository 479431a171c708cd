/**
 * One post-LayerNorm layer for inference as five backend kernels (fused-kernels.ts) where the
 * backend has them, else the composite ops below, which are their reference (and what every other
 * backend runs). The composites are written as the layer's own ops in `post-norm-stack.ts`, so the
 * two paths agree to float32 rounding.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  backendHasKernel,
  LINEAR_GELU_KERNEL,
  LINEAR_RESIDUAL_LAYER_NORM_KERNEL,
  QKV_PROJECTION_KERNEL,
  SELF_ATTENTION_KERNEL,
} from './fused-kernels.js';
import { geluErf, layerNorm, linear, mergeHeads, splitHeads } from './nn.js';

/** A Linear (`[out, in]` weight) or LayerNorm's parameters. */
export interface WeightAndBias {
  readonly weight: tf.Tensor;
  readonly bias: tf.Tensor;
}

/** `kernel` where the backend registers it, else `composite()`: the ops the kernel must match. */
function kernelOr(
  kernel: string,
  inputs: tf.NamedTensorMap,
  attrs: Record<string, unknown>,
  composite: () => tf.Tensor,
): tf.Tensor {
  if (!backendHasKernel(kernel)) return composite();
  return tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}

/** q, k and v of `x` `[..., H]` side by side `[..., 3H]`: one product on the backend's concatenated weight. */
export function qkvProjection(
  x: tf.Tensor,
  query: WeightAndBias,
  key: WeightAndBias,
  value: WeightAndBias,
  bf16 = false,
): tf.Tensor {
  const weights = {
    queryWeight: query.weight,
    queryBias: query.bias,
    keyWeight: key.weight,
    keyBias: key.bias,
    valueWeight: value.weight,
    valueBias: value.bias,
  };
  return kernelOr(QKV_PROJECTION_KERNEL, { x, ...weights }, { bf16 }, () =>
    tf.concat(
      [query, key, value].map((p) => linear(x, p.weight, p.bias)),
      -1,
    ),
  );
}

/**
 * Softmax attention of `qkv` `[B, T, 3H]` with the additive `mask` `[B, 1, 1, T]`: the context
 * `[B, T, H]`, heads merged. BERT divides the scores by sqrt(head size), DistilBERT the query
 * (`scaleQueryFirst`): they round differently, so each keeps PyTorch's order.
 */
export function selfAttention(
  qkv: tf.Tensor,
  mask: tf.Tensor,
  numHeads: number,
  scaleQueryFirst: boolean,
): tf.Tensor {
  return kernelOr(SELF_ATTENTION_KERNEL, { qkv, mask }, { numHeads, scaleQueryFirst }, () =>
    compositeSelfAttention(qkv, mask, numHeads, scaleQueryFirst),
  );
}

function compositeSelfAttention(
  qkv: tf.Tensor,
  mask: tf.Tensor,
  numHeads: number,
  scaleQueryFirst: boolean,
): tf.Tensor {
  const hidden = qkv.shape[2]! / 3;
  const scale = Math.sqrt(hidden / numHeads);
  const [q0, k0, v0] = tf.split(qkv, 3, -1) as [tf.Tensor, tf.Tensor, tf.Tensor];
  const q = scaleQueryFirst ? tf.div(splitHeads(q0, numHeads), scale) : splitHeads(q0, numHeads);
  const product = tf.matMul(q, splitHeads(k0, numHeads), false, true);
  const scores = tf.add(scaleQueryFirst ? product : tf.div(product, scale), mask);
  return mergeHeads(tf.matMul(tf.softmax(scores), splitHeads(v0, numHeads)));
}

/** `gelu(linear(x))` with the erf GELU. */
export function linearGelu(x: tf.Tensor, dense: WeightAndBias, bf16 = false): tf.Tensor {
  return kernelOr(LINEAR_GELU_KERNEL, { x, weight: dense.weight, bias: dense.bias }, { bf16 }, () =>
    geluErf(linear(x, dense.weight, dense.bias)),
  );
}

/** `LayerNorm(linear(x) + residual)`, BERT's `BertSelfOutput` / `BertOutput` in eval mode. */
export function linearResidualLayerNorm(
  x: tf.Tensor,
  dense: WeightAndBias,
  residual: tf.Tensor,
  norm: WeightAndBias,
  eps: number,
  bf16 = false,
): tf.Tensor {
  const inputs = { x, weight: dense.weight, bias: dense.bias, residual, gamma: norm.weight, beta: norm.bias };
  return kernelOr(LINEAR_RESIDUAL_LAYER_NORM_KERNEL, inputs, { eps, bf16 }, () =>
    layerNorm(tf.add(linear(x, dense.weight, dense.bias), residual), norm.weight, norm.bias, eps),
  );
}
