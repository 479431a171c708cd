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
import type { DistilBertConfig } from './config.js';
import { DISTILBERT_LAYER_NORM_EPS } from './embeddings.js';

/** PyTorch names of a `TransformerBlock`'s modules. */
const BLOCK_NAMES: TransformerLayerNames = {
  query: 'attention.q_lin',
  key: 'attention.k_lin',
  value: 'attention.v_lin',
  attentionOutput: 'attention.out_lin',
  attentionNorm: 'sa_layer_norm',
  intermediate: 'ffn.lin1',
  output: 'ffn.lin2',
  outputNorm: 'output_layer_norm',
};

/**
 * transformers' DistilBERT `Transformer`: the stack of `n_layers` post-LayerNorm blocks (weights at
 * `{prefix}transformer.layer.N.attention.q_lin…`, LayerNorm eps 1e-12 fixed as in Python).
 */
export class DistilBertTransformer {
  private readonly blocks: TransformerLayerWeights[] = [];
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  constructor(
    registry: ParameterRegistry,
    prefix: string,
    private readonly config: DistilBertConfig,
  ) {
    this.act = activation(config.activation);
    const sizes = { hidden: config.dim, intermediate: config.hiddenDim, std: config.initializerRange };
    for (let i = 0; i < config.nLayers; i++) {
      this.blocks.push(
        createTransformerLayer(registry, `${prefix}transformer.layer.${i}.`, BLOCK_NAMES, sizes),
      );
    }
  }

  /** Runs every block on `embedded` with the additive `mask`; call inside `tf.tidy`. */
  run(embedded: tf.Tensor, mask: tf.Tensor, ctx: ForwardContext): LayerStackResult {
    const { config } = this;
    const eps = DISTILBERT_LAYER_NORM_EPS;
    const heads = config.nHeads;
    const scale = Math.sqrt(config.dim / heads);
    let hidden = embedded;
    const hiddenStates: tf.Tensor3D[] = [hidden as tf.Tensor3D];
    const attentions: tf.Tensor4D[] = [];
    for (const block of this.blocks) {
      // DistilBERT scales q before the product (BERT scales the scores after).
      const q = tf.div(splitHeads(linear(hidden, block.query.weight, block.query.bias), heads), scale);
      const k = splitHeads(linear(hidden, block.key.weight, block.key.bias), heads);
      const v = splitHeads(linear(hidden, block.value.weight, block.value.bias), heads);
      const scores = tf.add(tf.matMul(q, k, false, true), mask);
      const weights = dropout(tf.softmax(scores), config.attentionDropout, ctx);
      attentions.push(weights as tf.Tensor4D);
      const context = linear(
        mergeHeads(tf.matMul(weights, v)),
        block.attentionOutput.weight,
        block.attentionOutput.bias,
      );
      const attended = layerNorm(
        tf.add(context, hidden),
        block.attentionNorm.weight,
        block.attentionNorm.bias,
        eps,
      );
      const inner = this.act(linear(attended, block.intermediate.weight, block.intermediate.bias));
      const ffn = dropout(linear(inner, block.output.weight, block.output.bias), config.dropout, ctx);
      hidden = layerNorm(tf.add(ffn, attended), block.outputNorm.weight, block.outputNorm.bias, eps);
      hiddenStates.push(hidden as tf.Tensor3D);
    }
    return { lastHiddenState: hidden as tf.Tensor3D, hiddenStates, attentions };
  }
}
