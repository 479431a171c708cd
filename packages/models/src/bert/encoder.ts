import * as tf from '@tensorflow/tfjs-core';
import type { LayerStackResult } from '../model-family.js';
import {
  createTransformerLayer,
  type TransformerLayerNames,
  type TransformerLayerWeights,
} from '../module-weights.js';
import {
  activation,
  dropout,
  type ForwardContext,
  layerNorm,
  linear,
  mergeHeads,
  splitHeads,
} from '../nn.js';
import type { ParameterRegistry } from '../parameter-registry.js';
import type { BertConfig } from './config.js';

/** PyTorch names of a `BertLayer`'s modules. */
const BERT_LAYER_NAMES: TransformerLayerNames = {
  query: 'attention.self.query',
  key: 'attention.self.key',
  value: 'attention.self.value',
  attentionOutput: 'attention.output.dense',
  attentionNorm: 'attention.output.LayerNorm',
  intermediate: 'intermediate.dense',
  output: 'output.dense',
  outputNorm: 'output.LayerNorm',
};

/**
 * transformers' `BertEncoder`: the stack of `num_hidden_layers` post-LayerNorm transformer layers
 * (weights at `{prefix}encoder.layer.N.attention.self.query…`, `…intermediate.dense…`, …).
 */
export class BertEncoder {
  private readonly layers: TransformerLayerWeights[] = [];
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  constructor(
    registry: ParameterRegistry,
    prefix: string,
    private readonly config: BertConfig,
  ) {
    this.act = activation(config.hiddenAct);
    const sizes = {
      hidden: config.hiddenSize,
      intermediate: config.intermediateSize,
      std: config.initializerRange,
    };
    for (let i = 0; i < config.numHiddenLayers; i++) {
      this.layers.push(
        createTransformerLayer(registry, `${prefix}encoder.layer.${i}.`, BERT_LAYER_NAMES, sizes),
      );
    }
  }

  /** Runs every layer on `embedded` `[B, T, H]` with the additive `mask`; call inside `tf.tidy`. */
  run(embedded: tf.Tensor, mask: tf.Tensor, ctx: ForwardContext): LayerStackResult {
    const { config } = this;
    const eps = config.layerNormEps;
    const heads = config.numAttentionHeads;
    const scale = Math.sqrt(config.hiddenSize / heads);
    let hidden = embedded;
    const hiddenStates: tf.Tensor3D[] = [hidden as tf.Tensor3D];
    const attentions: tf.Tensor4D[] = [];
    for (const layer of this.layers) {
      const q = splitHeads(linear(hidden, layer.query.weight, layer.query.bias), heads);
      const k = splitHeads(linear(hidden, layer.key.weight, layer.key.bias), heads);
      const v = splitHeads(linear(hidden, layer.value.weight, layer.value.bias), heads);
      const scores = tf.add(tf.div(tf.matMul(q, k, false, true), scale), mask);
      const probs = dropout(tf.softmax(scores), config.attentionProbsDropoutProb, ctx);
      attentions.push(probs as tf.Tensor4D);
      const context = mergeHeads(tf.matMul(probs, v));
      let attended = dropout(
        linear(context, layer.attentionOutput.weight, layer.attentionOutput.bias),
        config.hiddenDropoutProb,
        ctx,
      );
      attended = layerNorm(
        tf.add(attended, hidden),
        layer.attentionNorm.weight,
        layer.attentionNorm.bias,
        eps,
      );
      const inner = this.act(linear(attended, layer.intermediate.weight, layer.intermediate.bias));
      const out = dropout(
        linear(inner, layer.output.weight, layer.output.bias),
        config.hiddenDropoutProb,
        ctx,
      );
      hidden = layerNorm(tf.add(out, attended), layer.outputNorm.weight, layer.outputNorm.bias, eps);
      hiddenStates.push(hidden as tf.Tensor3D);
    }
    return { lastHiddenState: hidden as tf.Tensor3D, hiddenStates, attentions };
  }
}
