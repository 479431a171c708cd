import * as tf from '@tensorflow/tfjs-core';
import type { EncoderResult, MainLayer } from '../model-family.js';
import type { PreparedInputs } from '../model-io.js';
import { createLinear, type ModuleWeights } from '../module-weights.js';
import { extendedAttentionMask, type ForwardContext, linear } from '../nn.js';
import type { ParameterRegistry } from '../parameter-registry.js';
import type { BertConfig } from './config.js';
import { BertEmbeddings } from './embeddings.js';
import { BertEncoder } from './encoder.js';

/** transformers' `BertPooler`: `tanh(dense(hidden[:, 0]))`, weights at `{prefix}pooler.dense.…`. */
export class BertPooler {
  private readonly dense: ModuleWeights;

  constructor(
    registry: ParameterRegistry,
    prefix: string,
    private readonly config: BertConfig,
  ) {
    const hidden = config.hiddenSize;
    this.dense = createLinear(registry, `${prefix}pooler.dense`, hidden, hidden, config.initializerRange);
  }

  /** `[B, H]` pooled output of `hidden` `[B, T, H]`; call inside `tf.tidy`. */
  run(hidden: tf.Tensor): tf.Tensor2D {
    const first = tf.reshape(tf.slice(hidden, [0, 0, 0], [-1, 1, -1]), [-1, this.config.hiddenSize]);
    return tf.tanh(linear(first, this.dense.weight, this.dense.bias)) as tf.Tensor2D;
  }
}

/**
 * The body of transformers' `BertModel` (TF transformers calls it `TFBertMainLayer`):
 * `BertEmbeddings`, `BertEncoder` and an optional `BertPooler`, registered under `prefix` ("" for
 * `BertModel`, "bert." inside a head) in Python's `named_parameters()` order.
 */
export class BertMainLayer implements MainLayer {
  private readonly embeddings: BertEmbeddings;
  private readonly encoder: BertEncoder;
  private readonly pooler: BertPooler | null;

  constructor(registry: ParameterRegistry, prefix: string, config: BertConfig, addPoolingLayer: boolean) {
    config.validate();
    this.embeddings = new BertEmbeddings(registry, prefix, config);
    this.encoder = new BertEncoder(registry, prefix, config);
    this.pooler = addPoolingLayer ? new BertPooler(registry, prefix, config) : null;
  }

  /** Runs embeddings, layers and pooler; call inside `tf.tidy`. */
  run(inputs: PreparedInputs, ctx: ForwardContext): EncoderResult {
    const embedded = this.embeddings.run(inputs.inputIds, inputs.tokenTypeIds!, ctx);
    const stack = this.encoder.run(embedded, extendedAttentionMask(inputs.attentionMask), ctx);
    return { ...stack, pooled: this.pooler ? this.pooler.run(stack.lastHiddenState) : null };
  }
}
