/**
 * Fused LayerNorm and erf-GELU, when the active backend registers them (the `native` backend of
 * `@ner/tfjs-backend-native` does). Composite tfjs ops spend a LayerNorm in ~9 kernels and its
 * gradient in ~20, each a pass over the activations; a backend kernel does one pass each way.
 * The kernel names and their inputs / outputs are a contract with that package (see its
 * `src/kernels/fused.ts`); on any other backend the callers in `nn.ts` keep the composite ops,
 * which are the reference these kernels are tested against (the oracle tests run on both).
 */
import * as tf from '@tensorflow/tfjs-core';
// The kernel names are written once, in the contract the backends build against
// (tools/kernel-contract, bundled into each package's dist).
import * as contract from '../../../tools/kernel-contract/index.js';

/** Fused LayerNorm: inputs `{x, gamma, beta}`, attr `eps`; outputs `[y, mean, rstd]`. */
export const LAYER_NORM_KERNEL = contract.LAYER_NORM_KERNEL;
/** Its gradient: inputs `{dy, x, gamma, mean, rstd}`; outputs `[dx, dgamma, dbeta]`. */
export const LAYER_NORM_GRAD_KERNEL = contract.LAYER_NORM_GRAD_KERNEL;
/** Exact (erf) GELU: input `{x}`. */
export const GELU_ERF_KERNEL = contract.GELU_ERF_KERNEL;
/** Its gradient: inputs `{dy, x}`. */
export const GELU_ERF_GRAD_KERNEL = contract.GELU_ERF_GRAD_KERNEL;
/** Softmax's gradient over the last axis: inputs `{dy, y}` (`y` the softmax output). */
export const SOFTMAX_GRAD_KERNEL = contract.SOFTMAX_GRAD_KERNEL;
/**
 * Inference-only kernels of a post-LayerNorm layer (no gradients: called only when no tape
 * records, see `fusedInferenceAvailable`); the composite ops of `fused-inference.ts` are their
 * reference. The `bf16` attr asks for products on bfloat16-rounded weights.
 *
 * QKV product: inputs `{x, queryWeight, queryBias, keyWeight, keyBias, valueWeight, valueBias}`
 * (Linear weights `[H, H]`), attr `bf16`; output `[..., 3H]`, q, k, v side by side.
 */
export const QKV_PROJECTION_KERNEL = contract.QKV_PROJECTION_KERNEL;
/**
 * Attention: inputs `{qkv [B, T, 3H], mask}` (the additive mask, `[B, 1, 1, T]`), attrs
 * `numHeads`, `scaleQueryFirst`; output the context `[B, T, H]` with the heads merged.
 */
export const SELF_ATTENTION_KERNEL = contract.SELF_ATTENTION_KERNEL;
/** `gelu(x @ weight^T + bias)` (erf GELU): inputs `{x, weight, bias}`, attr `bf16`. */
export const LINEAR_GELU_KERNEL = contract.LINEAR_GELU_KERNEL;
/**
 * `LayerNorm(x @ weight^T + bias + residual)`: inputs `{x, weight, bias, residual, gamma, beta}`,
 * attrs `eps`, `bf16`.
 */
export const LINEAR_RESIDUAL_LAYER_NORM_KERNEL = contract.LINEAR_RESIDUAL_LAYER_NORM_KERNEL;
/** Every inference kernel: a layer runs fused only where the backend has them all. */
export const INFERENCE_KERNELS: readonly string[] = [
  QKV_PROJECTION_KERNEL,
  SELF_ATTENTION_KERNEL,
  LINEAR_GELU_KERNEL,
  LINEAR_RESIDUAL_LAYER_NORM_KERNEL,
];

/**
 * A whole post-LayerNorm layer with erf GELU in one kernel (inference only): inputs `{x [B, T, H],
 * mask}` and the layer's parameters, `{query,key,value,attentionOutput,intermediate,output}Weight`
 * and `...Bias`, `{attentionNorm,outputNorm}Gamma` and `...Beta`; attrs `numHeads`,
 * `scaleQueryFirst`, `eps`, `bf16`; output `[B, T, H]`. Its reference is the four kernels above
 * in a row (and their composites).
 */
export const ENCODER_LAYER_KERNEL = contract.ENCODER_LAYER_KERNEL;

/**
 * The embedding layer in one kernel (inference only): inputs `{inputIds [B, T] int32, tokenTypeIds
 * [B, T] int32 (optional), wordEmbeddings [V, H], positionEmbeddings [P, H], tokenTypeEmbeddings
 * [Tt, H] (optional, with tokenTypeIds), gamma, beta}`, attr `eps`; output `[B, T, H]` =
 * `LayerNorm((words + types) + positions)` (without types: `words + positions`), the composite
 * ops' order. Gated on its own ({@link fusedEmbeddingsAvailable}), not in
 * {@link INFERENCE_KERNELS}: a backend without it keeps the layer kernels.
 */
export const EMBEDDINGS_KERNEL = contract.EMBEDDINGS_KERNEL;

/**
 * Whether an embedding layer may run as {@link EMBEDDINGS_KERNEL} now: eval mode (dropout is the
 * identity), no gradient tape recording (the kernel has no gradient) and the backend has it.
 */
export function fusedEmbeddingsAvailable(training: boolean): boolean {
  return !training && !tf.engine().isTapeOn() && backendHasKernel(EMBEDDINGS_KERNEL);
}

/** The tables of one embedding layer, as {@link fusedEmbeddings} reads them. */
export interface EmbeddingTables {
  readonly wordEmbeddings: tf.Tensor;
  readonly positionEmbeddings: tf.Tensor;
  /** Absent for a model without token types (DistilBERT). */
  readonly tokenTypeEmbeddings?: tf.Tensor;
  readonly gamma: tf.Tensor;
  readonly beta: tf.Tensor;
}

/**
 * The embedding layer on {@link EMBEDDINGS_KERNEL}: `[B, T, H]` embeddings of the int32 `inputIds`
 * (and `tokenTypeIds`, given exactly when the tables have token types). Check
 * {@link fusedEmbeddingsAvailable} first.
 */
export function fusedEmbeddings(
  tables: EmbeddingTables,
  inputIds: tf.Tensor,
  tokenTypeIds: tf.Tensor | null,
  eps: number,
): tf.Tensor {
  const inputs: tf.NamedTensorMap = {
    inputIds,
    wordEmbeddings: tables.wordEmbeddings,
    positionEmbeddings: tables.positionEmbeddings,
    gamma: tables.gamma,
    beta: tables.beta,
  };
  if (tables.tokenTypeEmbeddings && tokenTypeIds) {
    inputs.tokenTypeIds = tokenTypeIds;
    inputs.tokenTypeEmbeddings = tables.tokenTypeEmbeddings;
  }
  return tf.engine().runKernel(EMBEDDINGS_KERNEL, inputs, { eps }) as tf.Tensor;
}

/**
 * Whether a layer may run on the inference kernels now: the backend registers all of them and no
 * gradient tape is recording (they have no gradients; `computeGradients` in eval mode records).
 */
export function fusedInferenceAvailable(): boolean {
  return !tf.engine().isTapeOn() && INFERENCE_KERNELS.every(backendHasKernel);
}

/**
 * Fused AdamW step (used by `@ner/trainer`'s AdamW): inputs `{param, grad, m, v}`, outputs the new
 * parameter and moments.
 */
export const ADAMW_KERNEL = contract.ADAMW_KERNEL_NAME;
/**
 * Multi-tensor fused AdamW (used by `@ner/trainer`'s AdamW when the backend registers it): N
 * `ADAMW_KERNEL` steps in one kernel call. Inputs `param0, grad0, m0, v0, param1, ...`, attrs the
 * same scalars as arrays of N plus `inPlace`; outputs none (in place) or `param_i, m_i, v_i` per
 * tensor.
 */
export const ADAMW_MULTI_KERNEL = contract.ADAMW_MULTI_KERNEL_NAME;
/** The input names of tensor `i` of {@link ADAMW_MULTI_KERNEL} (`param{i}`, `grad{i}`, `m{i}`, `v{i}`), made once. */
export const adamwMultiInputNames = contract.adamwMultiInputNames;
/**
 * The optional input of {@link ADAMW_MULTI_KERNEL} (`gradMultiplier`): a float32 tensor of one
 * element every gradient is multiplied by before the step, read on the device (the Trainer's
 * gradient-clipping coefficient).
 */
export const ADAMW_GRAD_MULTIPLIER_INPUT = contract.ADAMW_GRAD_MULTIPLIER_INPUT;
/**
 * The sums of squares of N tensors in one kernel call (used by `@ner/accelerate`'s
 * `clipGradNorm` where the backend registers it): inputs `x0, x1, ...`, output `[N]`.
 */
export const SUM_SQUARES_MULTI_KERNEL = contract.SUM_SQUARES_MULTI_KERNEL_NAME;
/** The name of input `i` of {@link SUM_SQUARES_MULTI_KERNEL} (`x{i}`), made once. */
export const sumSquaresInputName = contract.sumSquaresInputName;
/** The attributes of {@link ADAMW_KERNEL} (its scalars and `inPlace`), as the backends read them. */
export type AdamWKernelAttrs = contract.AdamWKernelAttrs;
/**
 * tfjs-core's own kernel name for uniform noise (`randomUniform` the op never calls it: it draws
 * on the host with seedrandom and uploads). A backend that registers it (the `cuda` backend does,
 * Philox on the device) lets dropout make its masks where the activations live instead of
 * generating and uploading a mask as large as each activation. Attrs: `shape`, `minval`,
 * `maxval`, `dtype`, `seed` (one seed gives the same values every call).
 */
export const RANDOM_UNIFORM_KERNEL = 'RandomUniform';

/** Uniform noise in [0, 1) of `shape`: the backend's kernel when it has one, else tfjs' host op. */
export function uniformNoise(shape: number[], seed: number): tf.Tensor {
  if (!backendHasKernel(RANDOM_UNIFORM_KERNEL)) return tf.randomUniform(shape, 0, 1, 'float32', seed);
  const attrs = { shape, minval: 0, maxval: 1, dtype: 'float32', seed };
  return tf.engine().runKernel(RANDOM_UNIFORM_KERNEL, {}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/**
 * Inverted dropout in one kernel (training): input `{x}` (float32), attrs `{rate, seed}`; one
 * output `y = x * (u >= rate ? fround(1 / (1 - rate)) : 0)`, where `u` is the backend's own
 * {@link RANDOM_UNIFORM_KERNEL} draw for that seed and shape. On a backend that registers it (the
 * `cuda` backend does), `dropout` in `nn.ts` calls it through {@link fusedDropout}: the same
 * numbers as the composite ops, bit for bit, in one kernel instead of five, and no mask kept.
 */
export const DROPOUT_KERNEL = contract.DROPOUT_KERNEL_NAME;

/**
 * `x` through {@link DROPOUT_KERNEL} (`0 < rate < 1`, float32 `x`). The gradient `dy * mask` is
 * the same kernel on `dy` with the same seed: the draw depends only on the seed and the element,
 * so the mask is made again instead of kept from the forward (PyTorch keeps a byte per element;
 * the composite ops a float). Check `backendHasKernel(DROPOUT_KERNEL)` first.
 */
export function fusedDropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  const kernelAttrs: contract.DropoutKernelAttrs = { rate, seed };
  const attrs = kernelAttrs as unknown as tf.NamedAttrMap;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: runOne(DROPOUT_KERNEL, { x: args[0] as tf.Tensor }, attrs),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [
      runOne(DROPOUT_KERNEL, { x: Array.isArray(dy) ? dy[0]! : dy }, attrs),
    ],
  }));
  return op(x);
}

/** Whether the active backend registers `kernelName`. */
export function backendHasKernel(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}

/** A kernel with several outputs (runKernel returns them as an array). */
function runMany(kernelName: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}): tf.Tensor[] {
  return tf.engine().runKernel(kernelName, inputs, attrs) as unknown as tf.Tensor[];
}

/** A kernel with one output (runKernel returns it alone). */
function runOne(kernelName: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}): tf.Tensor {
  return tf.engine().runKernel(kernelName, inputs, attrs) as unknown as tf.Tensor;
}

/** LayerNorm over the last axis with the backend's fused kernels (forward and gradient). */
export function fusedLayerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor, eps: number): tf.Tensor {
  // customGrad passes the inputs then the save function as one rest list.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, gamma, beta, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const [y, mean, rstd] = runMany(LAYER_NORM_KERNEL, { x: input, gamma, beta }, { eps });
    save([input, gamma, mean!, rstd!]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [savedX, savedGamma, savedMean, savedRstd] = saved as [
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
          tf.Tensor,
        ];
        const grad = Array.isArray(dy) ? dy[0]! : dy;
        return runMany(LAYER_NORM_GRAD_KERNEL, {
          dy: grad,
          x: savedX,
          gamma: savedGamma,
          mean: savedMean,
          rstd: savedRstd,
        });
      },
    };
  });
  return op(x, weight, bias);
}

/** Exact (erf) GELU with the backend's fused kernels (forward and gradient). */
export function fusedGeluErf(x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const value = runOne(GELU_ERF_KERNEL, { x: input });
    // Saved last: a save is kept, so one made before a kernel that throws (out of memory) would leak.
    save([input]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const grad = Array.isArray(dy) ? dy[0]! : dy;
        return [runOne(GELU_ERF_GRAD_KERNEL, { dy: grad, x: saved[0]! })];
      },
    };
  });
  return op(x);
}
