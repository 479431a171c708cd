/**
 * The DistilBERT encoder (transformers' `DistilBertModel` body): word +
 * position embeddings, N transformer blocks (`attention.{q,k,v,out}_lin`,
 * `sa_layer_norm`, `ffn.lin1/lin2`, `output_layer_norm`, LayerNorm eps 1e-12
 * fixed as in Python), registered under `prefix`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DistilBertConfig } from './distilbert-config.js';
import type { EncoderResult } from './bert-encoder.js';
import {
  activation,
  dropout,
  embeddingLookup,
  extendedAttentionMask,
  type ForwardContext,
  layerNorm,
  linear,
  mergeHeads,
  splitHeads,
} from './nn.js';
import type { ParameterRegistry } from './parameter-registry.js';

interface Dense {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
}

interface DistilBertBlock {
  readonly q: Dense;
  readonly k: Dense;
  readonly v: Dense;
  readonly out: Dense;
  readonly saNorm: Dense;
  readonly lin1: Dense;
  readonly lin2: Dense;
  readonly outputNorm: Dense;
}

/** DistilBERT hard-codes this epsilon for every LayerNorm. */
const DISTILBERT_LAYER_NORM_EPS = 1e-12;

export class DistilBertEncoder {
  private readonly wordEmbeddings: tf.Variable;
  private readonly positionEmbeddings: tf.Variable;
  private readonly embeddingNorm: Dense;
  private readonly blocks: DistilBertBlock[] = [];
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  constructor(
    registry: ParameterRegistry,
    prefix: string,
    private readonly config: DistilBertConfig,
  ) {
    config.validate();
    this.act = activation(config.activation);
    const std = config.initializerRange;
    const dim = config.dim;
    const dense = (name: string, out: number, inp: number): Dense => ({
      weight: registry.create(`${prefix}${name}.weight`, [out, inp], { kind: 'normal', std }),
      bias: registry.create(`${prefix}${name}.bias`, [out], { kind: 'zeros' }),
    });
    const norm = (name: string): Dense => ({
      weight: registry.create(`${prefix}${name}.weight`, [dim], { kind: 'ones' }, true, 'LayerNorm'),
      bias: registry.create(`${prefix}${name}.bias`, [dim], { kind: 'zeros' }, true, 'LayerNorm'),
    });
    this.wordEmbeddings = registry.create(
      `${prefix}embeddings.word_embeddings.weight`,
      [config.vocabSize, dim],
      {
        kind: 'embedding',
        std,
        paddingIdx: config.padTokenId,
      },
    );
    // Sinusoidal position tables are fixed in Python (requires_grad=False): not trainable here either.
    this.positionEmbeddings = config.sinusoidalPosEmbds
      ? registry.create(
          `${prefix}embeddings.position_embeddings.weight`,
          [config.maxPositionEmbeddings, dim],
          { kind: 'sinusoidal' },
          false,
        )
      : registry.create(
          `${prefix}embeddings.position_embeddings.weight`,
          [config.maxPositionEmbeddings, dim],
          {
            kind: 'embedding',
            std,
            paddingIdx: null,
          },
        );
    this.embeddingNorm = norm('embeddings.LayerNorm');
    for (let i = 0; i < config.nLayers; i++) {
      const base = `transformer.layer.${i}.`;
      this.blocks.push({
        q: dense(`${base}attention.q_lin`, dim, dim),
        k: dense(`${base}attention.k_lin`, dim, dim),
        v: dense(`${base}attention.v_lin`, dim, dim),
        out: dense(`${base}attention.out_lin`, dim, dim),
        saNorm: norm(`${base}sa_layer_norm`),
        lin1: dense(`${base}ffn.lin1`, config.hiddenDim, dim),
        lin2: dense(`${base}ffn.lin2`, dim, config.hiddenDim),
        outputNorm: norm(`${base}output_layer_norm`),
      });
    }
  }

  /** Runs the encoder; call inside `tf.tidy`. */
  run(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, ctx: ForwardContext): EncoderResult {
    const { config } = this;
    const length = inputIds.shape[1];
    const eps = DISTILBERT_LAYER_NORM_EPS;
    const words = embeddingLookup(this.wordEmbeddings, inputIds, config.padTokenId);
    const positions = tf.slice(this.positionEmbeddings, [0, 0], [length, config.dim]);
    let hidden = tf.add(words, positions);
    hidden = dropout(
      layerNorm(hidden, this.embeddingNorm.weight, this.embeddingNorm.bias, eps),
      config.dropout,
      ctx,
    );
    // masked_fill(mask == 0, finfo.min) and adding (1 - mask) * finfo.min give identical softmax outputs.
    const mask = extendedAttentionMask(attentionMask);
    const heads = config.nHeads;
    const scale = Math.sqrt(config.dim / heads);
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
    return { lastHiddenState: hidden as tf.Tensor3D, pooled: null, hiddenStates, attentions };
  }
}
