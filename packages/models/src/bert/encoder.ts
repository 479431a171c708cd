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
import type { BertConfig } from './config.js';

/** One `BertLayer`: self-attention, its output projection + LayerNorm, intermediate, output + LayerNorm. */
interface BertLayerWeights {
  readonly query: ModuleWeights;
  readonly key: ModuleWeights;
  readonly value: ModuleWeights;
  readonly attentionOutput: ModuleWeights;
  readonly attentionNorm: ModuleWeights;
  readonly intermediate: ModuleWeights;
  readonly output: ModuleWeights;
  readonly outputNorm: ModuleWeights;
}

/**
 * transformers' `BertEncoder`: the stack of `num_hidden_layers` post-LayerNorm transformer layers
 * (weights at `{prefix}encoder.layer.N.attention.self.query…`, `…intermediate.dense…`, …).
 */
export class BertEncoder {
  private readonly layers: BertLayerWeights[] = [];
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  constructor(
    registry: ParameterRegistry,
    prefix: string,
    private readonly config: BertConfig,
  ) {
    this.act = activation(config.hiddenAct);
    const std = config.initializerRange;
    const hidden = config.hiddenSize;
    const dense = (name: string, out: number, inp: number) => createLinear(registry, name, out, inp, std);
    for (let i = 0; i < config.numHiddenLayers; i++) {
      const base = `${prefix}encoder.layer.${i}.`;
      this.layers.push({
        query: dense(`${base}attention.self.query`, hidden, hidden),
        key: dense(`${base}attention.self.key`, hidden, hidden),
        value: dense(`${base}attention.self.value`, hidden, hidden),
        attentionOutput: dense(`${base}attention.output.dense`, hidden, hidden),
        attentionNorm: createLayerNorm(registry, `${base}attention.output.LayerNorm`, hidden),
        intermediate: dense(`${base}intermediate.dense`, config.intermediateSize, hidden),
        output: dense(`${base}output.dense`, hidden, config.intermediateSize),
        outputNorm: createLayerNorm(registry, `${base}output.LayerNorm`, hidden),
      });
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
