import type * as tf from '@tensorflow/tfjs-core';
import type { LayerStackResult } from '../model-family.js';
import type { TransformerLayerWeights } from '../module-weights.js';
import { activation, type ForwardContext } from '../nn.js';
import type { ParameterRegistry } from '../parameter-registry.js';
import { createTransformerStack, runPostNormStack } from '../post-norm-stack.js';
import { BERT_LAYER_NAMES } from './layer-names.js';
import type { BertConfig } from './config.js';

/**
 * transformers' `BertEncoder`: the stack of `num_hidden_layers` post-LayerNorm transformer layers
 * (weights at `{prefix}encoder.layer.N.attention.self.query…`, `…intermediate.dense…`, …).
 */
export class BertEncoder {
  private readonly layers: TransformerLayerWeights[];
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  constructor(
    registry: ParameterRegistry,
    prefix: string,
    private readonly config: BertConfig,
  ) {
    this.act = activation(config.hiddenAct);
    this.layers = createTransformerStack(
      registry,
      `${prefix}encoder.layer.`,
      config.numHiddenLayers,
      BERT_LAYER_NAMES,
      { hidden: config.hiddenSize, intermediate: config.intermediateSize, std: config.initializerRange },
    );
  }

  /** Runs every layer on `embedded` `[B, T, H]` with the additive `mask`; call inside `tf.tidy`. */
  run(embedded: tf.Tensor, mask: tf.Tensor, ctx: ForwardContext): LayerStackResult {
    const { config } = this;
    return runPostNormStack(this.layers, embedded, mask, ctx, {
      heads: config.numAttentionHeads,
      hiddenSize: config.hiddenSize,
      eps: config.layerNormEps,
      act: this.act,
      attentionDropout: config.attentionProbsDropoutProb,
      attentionOutputDropout: config.hiddenDropoutProb,
      ffnDropout: config.hiddenDropoutProb,
      scaleQueryFirst: false,
    });
  }
}
