/**
 * The building blocks of BERT and DistilBERT as pure functions of tensors,
 * written with tfjs-core ops only so one code path runs on every backend and
 * differentiates with `tf.variableGrads`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describeValue } from './describe-value.js';
import { ConfigError, InputError } from './errors.js';
import { reshapeView } from './lean-tensors.js';
import {
  DROPOUT_KERNEL,
  GELU_ERF_KERNEL,
  LAYER_NORM_KERNEL,
  backendHasKernel,
  fusedDropout,
  fusedGeluErf,
  fusedLayerNorm,
  uniformNoise,
} from './fused-kernels.js';
import type { SeededRandom } from './seeded-random.js';

/** Per-call state: training mode switches dropout on; the generator seeds each mask. */
export interface ForwardContext {
  readonly training: boolean;
  /** Where dropout draws its mask seeds (the model's generator; a replay when a layer is recomputed). */
  readonly rng: Pick<SeededRandom, 'nextSeed'>;
  /**
   * Recompute each transformer layer in the backward pass instead of keeping its activations
   * (`model.gradient_checkpointing_enable()`): training only.
   */
  readonly gradientCheckpointing?: boolean;
  /**
   * Whether the caller reads the attention probabilities. Only when false (not merely unset) may an
   * eval-mode forward run the fused inference kernels, which never materialise them.
   */
  readonly outputAttentions?: boolean;
  /** Products on bfloat16-rounded Linear weights (`dtype: 'bf16'`); the fused kernels read them packed as bf16. */
  readonly bf16?: boolean;
  /**
   * Whether the caller reads every layer's hidden states. When false, an eval-mode forward on the
   * fused kernels frees each layer's output once the next layer has read it.
   */
  readonly outputHiddenStates?: boolean;
}

/**
 * `torch.finfo(torch.float32).min`: transformers 4.38 adds `(1 - mask) * min`
 * to attention scores (BERT) or fills masked scores with it (DistilBERT).
 */
export const FLOAT32_MIN = -3.4028234663852886e38;

/**
 * `nn.Linear` with the PyTorch `[out, in]` weight layout: `x @ W^T + b` on the last axis. One
 * fused product-and-bias op (`_FusedMatMul`): the native backend adds the bias inside its
 * one-sentence product instead of in a pass of its own. On wasm the weight is transposed first
 * (see `linearOnWasm`).
 */
export function linear(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor | null): tf.Tensor {
  const backend = tf.getBackend();
  if (x.rank > 2 && bias && ROW_FOLDING_BACKENDS.has(backend))
    return fusedLinear(x, weight as tf.Tensor2D, bias);
  const inFeatures = x.shape[x.shape.length - 1]!;
  const outFeatures = weight.shape[0]!;
  const flat = (x.rank === 2 ? x : tf.reshape(x, [-1, inFeatures])) as tf.Tensor2D;
  const y =
    backend === 'wasm'
      ? linearOnWasm(flat, weight as tf.Tensor2D, bias)
      : fusedLinear(flat, weight as tf.Tensor2D, bias);
  return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), outFeatures]);
}

/**
 * Backends whose `_FusedMatMul` runs `[batch, length, in] x [out, in]^T` as one product of
 * `batch * length` rows, the product of the 2-D view. There `linear` passes its 3-D input as it
 * is: the two reshapes around the product, and the copy tfjs saves of each for the backward pass,
 * are four engine ops per layer and step (292 of the 1,920 tfjs kernel calls of a bert-base
 * training step on cuda). Other backends (tfjs-backend-cpu, tfjs-node) may loop over the batch, so
 * they keep the 2-D view.
 */
const ROW_FOLDING_BACKENDS = new Set(['cuda', 'native']);

/**
 * `x W^T + b` as one `_FusedMatMul` kernel (a plain product without a bias), differentiated by the gradient gradients.ts registers
 * for it. tfjs' `fused.matMul` op runs the same kernel inside a custom-gradient scope that adds,
 * per layer and step, three reshapes to and from 3-D, four saved copies and three more reshapes
 * in the backward pass: about 880 of the 2,874 engine ops of a bert-base training step, each with
 * its own bookkeeping on the host. Until that gradient is registered (`registerGradients`, which
 * every model calls), the op.
 */
function fusedLinear(x: tf.Tensor, weight: tf.Tensor2D, bias: tf.Tensor | null): tf.Tensor {
  if (!bias) return tf.matMul(x, weight, false, true);
  if (!tf.getGradient(tf._FusedMatMul)) return tf.fused.matMul({ a: x, b: weight, transposeB: true, bias });
  const attrs = { transposeA: false, transposeB: true, activation: 'linear', leakyreluAlpha: 0.2 };
  return tf
    .engine()
    .runKernel(tf._FusedMatMul, { a: x, b: weight, bias }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/**
 * `linear` on tfjs-backend-wasm (4.22 and earlier 4.x). Its `_FusedMatMul` adds the bias wrongly
 * whenever it leaves XNNPACK's fully-connected path, which any transpose does: the bias is indexed
 * by the output's flat position clamped to its last element, so rows after the first get
 * `bias[N - 1]`, and it is added once per 48-feature block (docs/troubleshooting.md). With the
 * weight transposed to `[in, out]` and a single matrix, the kernel takes the XNNPACK path, which
 * adds the bias right and runs several times faster than the generic loop even with the transpose.
 */
function linearOnWasm(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor | null): tf.Tensor {
  return tf.fused.matMul({ a: x, b: tf.transpose(weight), ...(bias ? { bias } : {}) });
}

/**
 * `nn.LayerNorm` over the last axis: biased variance, `eps` inside the square root. One fused
 * kernel each way where the backend has it (fused-kernels.ts), else these ops.
 */
export function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
  if (x.dtype === 'float32' && backendHasKernel(LAYER_NORM_KERNEL))
    return fusedLayerNorm(x, weight, bias, eps);
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  const normalized = tf.mul(centered, tf.rsqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(normalized, weight), bias);
}

/**
 * Exact (erf) GELU, `nn.functional.gelu(x)`: `0.5 x (1 + erf(x / sqrt 2))`. One fused kernel
 * each way where the backend has it (fused-kernels.ts), else these ops.
 */
export function geluErf(x: tf.Tensor): tf.Tensor {
  if (x.dtype === 'float32' && backendHasKernel(GELU_ERF_KERNEL)) return fusedGeluErf(x);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}

/** Tanh GELU (`gelu_new`, `gelu_pytorch_tanh`). */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** transformers' `ACT2FN` for the activations BERT-family checkpoints use. */
export function activation(name: string): (x: tf.Tensor) => tf.Tensor {
  switch (name) {
    case 'gelu':
      return geluErf;
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
      return geluTanh;
    case 'relu':
      return tf.relu;
    case 'silu':
    case 'swish':
      return (x) => tf.mul(x, tf.sigmoid(x));
    case 'tanh':
      return tf.tanh;
    default:
      throw new ConfigError(
        `Activation ${describeValue(name)} is not supported (use gelu, gelu_new, gelu_pytorch_tanh, relu, silu, swish or tanh).`,
      );
  }
}

/**
 * Inverted dropout as `nn.Dropout` in training mode: zero with probability
 * `rate`, scale survivors by `1 / (1 - rate)`. The mask comes from uniform
 * noise seeded from the model's generator, so a fixed seed and call order
 * reproduce the masks exactly on one backend (a backend with a `RandomUniform`
 * kernel, such as cuda, draws other numbers than the host op, as CUDA and CPU
 * generators differ in PyTorch). Identity in eval mode. A backend that registers
 * `NerDropout` (see `DROPOUT_KERNEL`) runs it as that one kernel, with the
 * same numbers as the composite ops on that backend.
 */
export function dropout(x: tf.Tensor, rate: number, ctx: ForwardContext): tf.Tensor {
  if (!ctx.training || rate === 0) return x;
  if (rate >= 1) return tf.zerosLike(x);
  const seed = ctx.rng.nextSeed();
  // One kernel where the backend has it: the same mask and values as the ops below, bit for bit.
  if (rate > 0 && x.dtype === 'float32' && backendHasKernel(DROPOUT_KERNEL))
    return fusedDropout(x, rate, seed);
  const noise = uniformNoise(x.shape, seed);
  const keep = tf.cast(tf.greaterEqual(noise, rate), 'float32');
  return tf.mul(x, tf.mul(keep, 1 / (1 - rate)));
}

/**
 * `nn.Embedding(..., padding_idx)` lookup: the gradient of the padding row is
 * zero, as in PyTorch, so fine-tuning never moves the `[PAD]` vector.
 */
export function embeddingLookup(weight: tf.Tensor, ids: tf.Tensor, paddingIdx: number | null): tf.Tensor {
  if (paddingIdx === null) return tf.gather(weight, ids);
  // customGrad passes the inputs then the save function as one rest list.
  const lookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [table, indices, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const value = tf.gather(table, indices);
    // Saved last: a save is kept, so one made before a kernel that throws (out of memory) would leak.
    save([indices]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const grad = Array.isArray(dy) ? dy[0]! : dy;
        const flatIds = tf.reshape(saved[0]!, [-1]);
        const width = table.shape[1]!;
        const keep = tf.cast(tf.notEqual(flatIds, paddingIdx), 'float32');
        const rows = tf.mul(tf.reshape(grad, [-1, width]), tf.expandDims(keep, 1));
        return [scatterRows(rows, flatIds, table.shape), tf.zerosLike(saved[0]!)];
      },
    };
  });
  return lookup(weight, ids);
}

/**
 * Sums `rows[i]` into row `ids[i]` of a zero tensor of `shape` (the gradient
 * of a gather). scatterND sums duplicate indices and, unlike
 * unsortedSegmentSum, is implemented by the wasm backend too.
 */
export function scatterRows(rows: tf.Tensor, ids: tf.Tensor, shape: readonly number[]): tf.Tensor {
  return tf.scatterND(tf.reshape(tf.cast(ids, 'int32'), [-1, 1]), rows, [...shape]);
}

/**
 * Splits `[B, T, H]` into heads: `[B, heads, T, H / heads]`. While a gradient is being recorded,
 * with a gradient of its own that keeps nothing: tfjs' Reshape gradient would keep `x` for its
 * shape alone, which holds a projection's whole output (q, k and v: three hidden-sized tensors a
 * layer) until the backward pass reaches it. The gradient moves the same data as the ops' would:
 * the inverse transpose, then the reshape back.
 */
export function splitHeads(x: tf.Tensor, heads: number): tf.Tensor {
  const [batch, length, hidden] = x.shape as [number, number, number];
  const split = (input: tf.Tensor) =>
    tf.transpose(tf.reshape(input, [batch, length, heads, hidden / heads]), [0, 2, 1, 3]);
  if (!tf.engine().isTapeOn()) return split(x);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: split(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [
      reshapeView(tf.transpose(Array.isArray(dy) ? dy[0]! : dy, [0, 2, 1, 3]), [batch, length, hidden]),
    ],
  }));
  return op(x);
}

/**
 * `a + b` for two tensors of one shape (a residual connection). While a gradient is being
 * recorded, with a gradient of its own that keeps nothing: tfjs' Add gradient keeps both inputs
 * for their shapes alone, which holds each residual branch's output (a hidden-sized tensor, twice
 * a layer: 300 MiB at bert-base, batch 32 x 128) until the backward pass reaches it, where PyTorch's
 * add keeps nothing. The gradient is tfjs' own for equal shapes: `dy` to both, the second as a view
 * of it (two tensors, as the engine frees each input's gradient on its own).
 */
export function residualAdd(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (!tf.engine().isTapeOn()) return tf.add(a, b);
  if (!tf.util.arraysEqual(a.shape, b.shape) || a.dtype !== b.dtype) {
    throw new InputError(
      `residualAdd: the branch [${a.shape}] ${a.dtype} and the residual [${b.shape}] ${b.dtype} differ; a residual connection adds tensors of one shape and dtype`,
    );
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.add(args[0] as tf.Tensor, args[1] as tf.Tensor),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
      const grad = Array.isArray(dy) ? dy[0]! : dy;
      return [grad, reshapeView(grad, grad.shape)];
    },
  }));
  return op(a, b);
}

/** Inverse of `splitHeads`: `[B, heads, T, d]` to `[B, T, heads * d]`. */
export function mergeHeads(x: tf.Tensor): tf.Tensor {
  const [batch, heads, length, width] = x.shape as [number, number, number, number];
  return tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [batch, length, heads * width]);
}

/** `(1 - mask[:, None, None, :]) * finfo.min`, the additive mask transformers builds. */
export function extendedAttentionMask(mask: tf.Tensor): tf.Tensor {
  const [batch, length] = mask.shape as [number, number];
  const inverted = tf.sub(1, tf.cast(tf.reshape(mask, [batch, 1, 1, length]), 'float32'));
  return tf.mul(inverted, FLOAT32_MIN);
}
