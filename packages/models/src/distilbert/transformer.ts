import * as tf from '@tensorflow/tfjs-core';
import type { LayerStackResult } from '../model-family.js';
import { createLayerNorm, createLinear, type ModuleWeights } from '../module-weights.js';
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

/** One `TransformerBlock`: `attention.{q,k,v,out}_lin`, `sa_layer_norm`, `ffn.lin1/lin2`, `output_layer_norm`. */
interface TransformerBlockWeights {
  readonly q: ModuleWeights;
  readonly k: ModuleWeights;
  readonly v: ModuleWeights;
  readonly out: ModuleWeights;
  readonly saNorm: ModuleWeights;
  readonly lin1: ModuleWeights;
  readonly lin2: ModuleWeights;
  readonly outputNorm: ModuleWeights;
}

/**
 * transformers' DistilBERT `Transformer`: the stack of `n_layers` post-LayerNorm blocks (weights at
 * `{prefix}transformer.layer.N.attention.q_lin…`, LayerNorm eps 1e-12 fixed as in Python).
 */
export class DistilBertTransformer {
  private readonly blocks: TransformerBlockWeights[] = [];
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  constructor(
    registry: ParameterRegistry,
    prefix: string,
    private readonly config: DistilBertConfig,
  ) {
    this.act = activation(config.activation);
    const std = config.initializerRange;
    const dim = config.dim;
    const dense = (name: string, out: number, inp: number) => createLinear(registry, name, out, inp, std);
    for (let i = 0; i < config.nLayers; i++) {
      const base = `${prefix}transformer.layer.${i}.`;
      this.blocks.push({
        q: dense(`${base}attention.q_lin`, dim, dim),
        k: dense(`${base}attention.k_lin`, dim, dim),
        v: dense(`${base}attention.v_lin`, dim, dim),
        out: dense(`${base}attention.out_lin`, dim, dim),
        saNorm: createLayerNorm(registry, `${base}sa_layer_norm`, dim),
        lin1: dense(`${base}ffn.lin1`, config.hiddenDim, dim),
        lin2: dense(`${base}ffn.lin2`, dim, config.hiddenDim),
        outputNorm: createLayerNorm(registry, `${base}output_layer_norm`, dim),
      });
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
      const q = tf.div(splitHeads(linear(hidden, block.q.weight, block.q.bias), heads), scale);
      const k = splitHeads(linear(hidden, block.k.weight, block.k.bias), heads);
      const v = splitHeads(linear(hidden, block.v.weight, block.v.bias), heads);
      const scores = tf.add(tf.matMul(q, k, false, true), mask);
      const weights = dropout(tf.softmax(scores), config.attentionDropout, ctx);
      attentions.push(weights as tf.Tensor4D);
      const context = linear(mergeHeads(tf.matMul(weights, v)), block.out.weight, block.out.bias);
      const attended = layerNorm(tf.add(context, hidden), block.saNorm.weight, block.saNorm.bias, eps);
      const inner = this.act(linear(attended, block.lin1.weight, block.lin1.bias));
      const ffn = dropout(linear(inner, block.lin2.weight, block.lin2.bias), config.dropout, ctx);
      hidden = layerNorm(tf.add(ffn, attended), block.outputNorm.weight, block.outputNorm.bias, eps);
      hiddenStates.push(hidden as tf.Tensor3D);
    }
    return { lastHiddenState: hidden as tf.Tensor3D, hiddenStates, attentions };
  }
}
