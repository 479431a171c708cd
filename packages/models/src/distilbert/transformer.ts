import type * as tf from '@tensorflow/tfjs-core';
import type { LayerStackResult } from '../model-family.js';
import type { TransformerLayerWeights } from '../module-weights.js';
import { activation, type ForwardContext } from '../nn.js';
import type { ParameterRegistry } from '../parameter-registry.js';
import { createTransformerStack, runPostNormStack } from '../post-norm-stack.js';
import { DISTILBERT_BLOCK_NAMES } from './layer-names.js';
import type { DistilBertConfig } from './config.js';
import { DISTILBERT_LAYER_NORM_EPS } from './embeddings.js';

/**
 * transformers' DistilBERT `Transformer`: the stack of `n_layers` post-LayerNorm blocks (weights at
 * `{prefix}transformer.layer.N.attention.q_lin…`, LayerNorm eps 1e-12 fixed as in Python).
 */
export class DistilBertTransformer {
  private readonly blocks: TransformerLayerWeights[];
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  constructor(
    registry: ParameterRegistry,
    prefix: string,
    private readonly config: DistilBertConfig,
  ) {
    this.act = activation(config.activation);
    this.blocks = createTransformerStack(
      registry,
      `${prefix}transformer.layer.`,
      config.nLayers,
      DISTILBERT_BLOCK_NAMES,
      {
        hidden: config.dim,
        intermediate: config.hiddenDim,
        std: config.initializerRange,
      },
    );
  }

  /** Runs every block on `embedded` with the additive `mask`; call inside `tf.tidy`. */
  run(embedded: tf.Tensor, mask: tf.Tensor, ctx: ForwardContext): LayerStackResult {
    const { config } = this;
    return runPostNormStack(this.blocks, embedded, mask, ctx, {
      heads: config.nHeads,
      hiddenSize: config.dim,
      eps: DISTILBERT_LAYER_NORM_EPS,
      act: this.act,
      attentionDropout: config.attentionDropout,
      // DistilBERT's attention has no dropout after `out_lin`.
      attentionOutputDropout: null,
      ffnDropout: config.dropout,
      scaleQueryFirst: true,
    });
  }
}
