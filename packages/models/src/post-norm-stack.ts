import * as tf from '@tensorflow/tfjs-core';
import type { LayerStackResult } from './model-family.js';
import {
  createTransformerLayer,
  type LayerStackLayout,
  type TransformerLayerNames,
  type TransformerLayerWeights,
} from './module-weights.js';
import { backendHasKernel, ENCODER_LAYER_KERNEL, fusedInferenceAvailable } from './fused-kernels.js';
import { linearGelu, linearResidualLayerNorm, qkvProjection, selfAttention } from './fused-inference.js';
import {
  activation,
  dropout,
  type ForwardContext,
  geluErf,
  layerNorm,
  linear,
  mergeHeads,
  residualAdd,
  splitHeads,
} from './nn.js';
import type { ParameterRegistry } from './parameter-registry.js';

/** Sizes of one post-LayerNorm layer: hidden width, feed-forward width and the init std. */
export interface TransformerLayerSizes {
  readonly hidden: number;
  readonly intermediate: number;
  readonly std: number;
}

/** Registers `count` layers at `{layerPrefix}0.`, `{layerPrefix}1.`, ... (in that order, as PyTorch does). */
export function createTransformerStack(
  registry: ParameterRegistry,
  layerPrefix: string,
  count: number,
  names: TransformerLayerNames,
  sizes: TransformerLayerSizes,
): TransformerLayerWeights[] {
  const layers: TransformerLayerWeights[] = [];
  for (let i = 0; i < count; i++) {
    layers.push(createTransformerLayer(registry, `${layerPrefix}${i}.`, names, sizes));
  }
  return layers;
}

/** How one family runs the shared post-LayerNorm layer; read at each `run`, as the config may change. */
export interface PostNormStackSpec {
  readonly heads: number;
  readonly hiddenSize: number;
  readonly eps: number;
  readonly act: (x: tf.Tensor) => tf.Tensor;
  /** Dropout on the attention probabilities. */
  readonly attentionDropout: number;
  /** Dropout on the attention output before its residual; null where the family has none (DistilBERT). */
  readonly attentionOutputDropout: number | null;
  /** Dropout on the feed-forward output before its residual. */
  readonly ffnDropout: number;
  /**
   * DistilBERT divides q by sqrt(head size) before q·kᵀ, BERT divides the scores after; the two
   * orders round differently, so each family keeps its own to match PyTorch.
   */
  readonly scaleQueryFirst: boolean;
}

/**
 * Runs the post-LayerNorm transformer layers (BERT's `BertLayer`, DistilBERT's `TransformerBlock`)
 * on `embedded` `[B, T, H]` with the additive `mask`; call inside `tf.tidy`.
 */
export function runPostNormStack(
  layers: readonly TransformerLayerWeights[],
  embedded: tf.Tensor,
  mask: tf.Tensor,
  ctx: ForwardContext,
  spec: PostNormStackSpec,
): LayerStackResult {
  const { heads } = spec;
  const scale = Math.sqrt(spec.hiddenSize / heads);
  let hidden = embedded;
  const hiddenStates: tf.Tensor3D[] = [hidden as tf.Tensor3D];
  const attentions: tf.Tensor4D[] = [];
  if (!ctx.training && ctx.outputAttentions === false && fusedInferenceAvailable()) {
    // One kernel per layer where the backend has it (erf GELU only), else five.
    const wholeLayer = spec.act === geluErf && backendHasKernel(ENCODER_LAYER_KERNEL);
    // Hidden states nobody asked for: each layer's output is disposed once the next layer has
    // read it, so its buffer goes back to the backend's pool and two buffers serve the stack
    // (twelve outputs of a new batch shape cost twelve fresh allocations, and fresh pages are
    // what a first pass over new shapes pays for). The caller's `embedded` is left alone.
    const keepStates = ctx.outputHiddenStates !== false;
    for (const layer of layers) {
      const input = hidden;
      hidden = wholeLayer
        ? runEncoderLayerKernel(layer, input, mask, spec, ctx.bf16 === true)
        : runFusedLayer(layer, input, mask, spec, ctx.bf16 === true);
      if (keepStates) hiddenStates.push(hidden as tf.Tensor3D);
      else if (input !== embedded) input.dispose();
    }
    // Without the states: none (callers read them only when asked for).
    return {
      lastHiddenState: hidden as tf.Tensor3D,
      hiddenStates: keepStates ? hiddenStates : [],
      attentions,
    };
  }
  // Checkpointed layers return no attention probabilities: with them asked for, keep everything.
  const checkpoint = ctx.training && ctx.gradientCheckpointing === true && ctx.outputAttentions !== true;
  for (const layer of layers) {
    const input = hidden;
    if (checkpoint) {
      hidden = checkpointedLayer(layer, input, mask, ctx, spec, scale);
    } else {
      // One layer in its own tidy: what it made and nothing saved for the backward pass (the
      // tape keeps those) is freed when the layer ends, not when the whole forward pass does.
      const step = tf.tidy(() => runTrainingLayer(layer, input, mask, ctx, spec, scale));
      hidden = step.out;
      attentions.push(step.probs as tf.Tensor4D);
    }
    hiddenStates.push(hidden as tf.Tensor3D);
  }
  return { lastHiddenState: hidden as tf.Tensor3D, hiddenStates, attentions };
}

/** The modules of a layer in a fixed order, for passing their weights as one list. */
const LAYER_MODULES = [
  'query',
  'key',
  'value',
  'attentionOutput',
  'attentionNorm',
  'intermediate',
  'output',
  'outputNorm',
] as const satisfies readonly (keyof TransformerLayerWeights)[];

/**
 * One training layer under gradient checkpointing (`torch.utils.checkpoint` around each
 * `BertLayer`, as `gradient_checkpointing_enable()` sets up): the forward pass keeps only the
 * layer's input (and the mask), not its activations; the backward pass runs the layer again with
 * a tape and takes its gradients. The dropout seeds drawn in the forward pass are replayed, so
 * the recomputed masks, and the gradients, are the ones an ordinary step gives. Costs one more
 * forward pass of each layer; saves every activation the layer's gradients would have kept
 * (about 13 tensors of [B, T, H] or [B, heads, T, T] per layer).
 */
function checkpointedLayer(
  layer: TransformerLayerWeights,
  input: tf.Tensor,
  mask: tf.Tensor,
  ctx: ForwardContext,
  spec: PostNormStackSpec,
  scale: number,
): tf.Tensor {
  const weights = LAYER_MODULES.flatMap((name) => [layer[name].weight, layer[name].bias]);
  const seeds: number[] = [];
  const recording = {
    nextSeed: () => {
      const seed = ctx.rng.nextSeed();
      seeds.push(seed);
      return seed;
    },
  };
  /** The layer on `x` with the weights given in {@link LAYER_MODULES} order. */
  const run = (x: tf.Tensor, m: tf.Tensor, w: readonly tf.Tensor[], rng: ForwardContext['rng']) => {
    const modules = Object.fromEntries(
      LAYER_MODULES.map((name, i) => [name, { weight: w[2 * i], bias: w[2 * i + 1] }]),
    ) as unknown as TransformerLayerWeights;
    return runTrainingLayer(modules, x, m, { ...ctx, rng }, spec, scale).out;
  };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [x, m] = args as tf.Tensor[];
    // Runs untaped (inside a kernel as far as tfjs' tape is concerned): nothing is saved but below.
    const value = run(x!, m!, weights, recording);
    save([x!, m!]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [savedX, savedMask] = saved as [tf.Tensor, tf.Tensor];
        let next = 0;
        const replay = { nextSeed: () => seeds[next++]! };
        const grads = tf.grads((...xs: tf.Tensor[]) => run(xs[0]!, savedMask, xs.slice(1), replay))(
          [savedX, ...weights],
          Array.isArray(dy) ? dy[0]! : dy,
        );
        return [grads[0]!, tf.zerosLike(savedMask), ...grads.slice(1)];
      },
    };
  });
  return op(input, mask, ...weights);
}

/** One layer as it trains (ops with their gradients, dropout as `ctx` says): its output and the attention probabilities. */
function runTrainingLayer(
  layer: TransformerLayerWeights,
  hidden: tf.Tensor,
  mask: tf.Tensor,
  ctx: ForwardContext,
  spec: PostNormStackSpec,
  scale: number,
): { out: tf.Tensor; probs: tf.Tensor } {
  const { heads, eps } = spec;
  let q = splitHeads(linear(hidden, layer.query.weight, layer.query.bias), heads);
  if (spec.scaleQueryFirst) q = tf.div(q, scale);
  const k = splitHeads(linear(hidden, layer.key.weight, layer.key.bias), heads);
  const v = splitHeads(linear(hidden, layer.value.weight, layer.value.bias), heads);
  const product = tf.matMul(q, k, false, true);
  const scores = maskedScores(product, mask, spec.scaleQueryFirst ? null : scale);
  const probs = dropout(tf.softmax(scores), spec.attentionDropout, ctx);
  const context = linear(
    mergeHeads(tf.matMul(probs, v)),
    layer.attentionOutput.weight,
    layer.attentionOutput.bias,
  );
  const projected =
    spec.attentionOutputDropout === null ? context : dropout(context, spec.attentionOutputDropout, ctx);
  const attended = layerNorm(
    residualAdd(projected, hidden),
    layer.attentionNorm.weight,
    layer.attentionNorm.bias,
    eps,
  );
  const inner = spec.act(linear(attended, layer.intermediate.weight, layer.intermediate.bias));
  const out = dropout(linear(inner, layer.output.weight, layer.output.bias), spec.ffnDropout, ctx);
  return {
    probs,
    out: layerNorm(residualAdd(out, attended), layer.outputNorm.weight, layer.outputNorm.bias, eps),
  };
}

/**
 * `product / scale + mask` (BERT), or `product + mask` where `scale` is null (DistilBERT scales q
 * first): the same kernels as the ops, with a gradient that keeps nothing. tfjs' RealDiv and Add
 * would each save both their inputs for their gradients, which here need neither: two
 * attention-sized tensors per layer (48 MiB at bert-base, batch 32 x 128) held until the backward
 * pass reaches them. The gradient to `product` is tfjs' own, `dy / scale` (or `dy`).
 * @internal
 */
export function maskedScores(product: tf.Tensor, mask: tf.Tensor, scale: number | null): tf.Tensor {
  // The mask comes from the batch and needs no gradient, so it is not an input of the op: only
  // `product` gets one.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [scores, save] = args as [tf.Tensor, tf.GradSaveFunc];
    // The divisor is uploaded once and kept (4 bytes) for the gradient's division; the scaled
    // scores go with the layer's tidy (runTrainingLayer's caller), as nothing saves them.
    const divisor = scale === null ? null : tf.scalar(scale);
    const value = tf.add(divisor ? tf.div(scores, divisor) : scores, mask);
    // Saved last: a save is kept, so one made before a kernel that throws (out of memory) would leak.
    save(divisor ? [divisor] : []);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const grad = Array.isArray(dy) ? dy[0]! : dy;
        return [saved[0] ? tf.div(grad, saved[0]) : grad];
      },
    };
  });
  return op(product);
}

/**
 * One layer in eval mode as one backend kernel (`NerEncoderLayer`, see fused-kernels.ts): the
 * five kernels of {@link runFusedLayer} in one call, its intermediates in the backend's scratch.
 */
function runEncoderLayerKernel(
  layer: TransformerLayerWeights,
  x: tf.Tensor,
  mask: tf.Tensor,
  spec: PostNormStackSpec,
  bf16: boolean,
): tf.Tensor {
  const inputs: tf.NamedTensorMap = { x, mask };
  for (const name of ['query', 'key', 'value', 'attentionOutput', 'intermediate', 'output'] as const) {
    inputs[`${name}Weight`] = layer[name].weight;
    inputs[`${name}Bias`] = layer[name].bias;
  }
  for (const name of ['attentionNorm', 'outputNorm'] as const) {
    inputs[`${name}Gamma`] = layer[name].weight;
    inputs[`${name}Beta`] = layer[name].bias;
  }
  const attrs = { numHeads: spec.heads, scaleQueryFirst: spec.scaleQueryFirst, eps: spec.eps, bf16 };
  return tf.engine().runKernel(ENCODER_LAYER_KERNEL, inputs, attrs) as tf.Tensor;
}

/**
 * One layer in eval mode on the backend's inference kernels (fused-inference.ts): five kernels
 * (QKV product, attention, output product + residual + LayerNorm, intermediate product + GELU,
 * output product + residual + LayerNorm) instead of ~30 ops; dropout is the identity here.
 */
function runFusedLayer(
  layer: TransformerLayerWeights,
  hidden: tf.Tensor,
  mask: tf.Tensor,
  spec: PostNormStackSpec,
  bf16: boolean,
): tf.Tensor {
  // Intermediates are disposed as soon as they are used (inside the caller's tidy): their buffers
  // go back to the backend's pool while still in cache, and the next layer writes into them.
  const qkv = qkvProjection(hidden, layer.query, layer.key, layer.value, bf16);
  const context = selfAttention(qkv, mask, spec.heads, spec.scaleQueryFirst);
  qkv.dispose();
  const attended = linearResidualLayerNorm(
    context,
    layer.attentionOutput,
    hidden,
    layer.attentionNorm,
    spec.eps,
    bf16,
  );
  context.dispose();
  const inner =
    spec.act === geluErf
      ? linearGelu(attended, layer.intermediate, bf16)
      : spec.act(linear(attended, layer.intermediate.weight, layer.intermediate.bias));
  const out = linearResidualLayerNorm(inner, layer.output, attended, layer.outputNorm, spec.eps, bf16);
  inner.dispose();
  attended.dispose();
  return out;
}

/**
 * A family's layer stack (`BertEncoder`, DistilBERT's `Transformer`): registers the layers at
 * construction and runs them with the family's `spec()`, read at each call as the config may change.
 */
export abstract class PostNormLayerStack {
  private readonly layers: TransformerLayerWeights[];
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  protected constructor(
    registry: ParameterRegistry,
    prefix: string,
    layout: LayerStackLayout,
    std: number,
    activationName: string,
  ) {
    this.act = activation(activationName);
    const { layerPrefix, layers, names, hidden, intermediate } = layout;
    this.layers = createTransformerStack(registry, `${prefix}${layerPrefix}`, layers, names, {
      hidden,
      intermediate,
      std,
    });
  }

  /** How this family runs a layer (everything but the activation, fixed at construction). */
  protected abstract spec(): Omit<PostNormStackSpec, 'act'>;

  /** Runs every layer on `embedded` `[B, T, H]` with the additive `mask`; call inside `tf.tidy`. */
  run(embedded: tf.Tensor, mask: tf.Tensor, ctx: ForwardContext): LayerStackResult {
    return runPostNormStack(this.layers, embedded, mask, ctx, { ...this.spec(), act: this.act });
  }
}
