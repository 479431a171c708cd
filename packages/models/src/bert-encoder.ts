/**
 * The BERT encoder (transformers' `BertModel` body): embeddings, N layers of
 * self-attention + feed-forward with post-LayerNorm, optional pooler. Weights
 * are registered under `prefix` + the PyTorch names (`embeddings.…`,
 * `encoder.layer.N.…`, `pooler.dense.…`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from './bert-config.js';
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

interface Norm {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
}

interface BertLayerWeights {
  readonly query: Dense;
  readonly key: Dense;
  readonly value: Dense;
  readonly attentionOutput: Dense;
  readonly attentionNorm: Norm;
  readonly intermediate: Dense;
  readonly output: Dense;
  readonly outputNorm: Norm;
}

/** Encoder results before the caller decides which to return. */
export interface EncoderResult {
  readonly lastHiddenState: tf.Tensor3D;
  readonly pooled: tf.Tensor2D | null;
  readonly hiddenStates: tf.Tensor3D[];
  readonly attentions: tf.Tensor4D[];
}

export class BertEncoder {
  private readonly wordEmbeddings: tf.Variable;
  private readonly positionEmbeddings: tf.Variable;
  private readonly tokenTypeEmbeddings: tf.Variable;
  private readonly embeddingNorm: Norm;
  private readonly layers: BertLayerWeights[] = [];
  private readonly pooler: Dense | null;
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  constructor(
    registry: ParameterRegistry,
    prefix: string,
    private readonly config: BertConfig,
    addPoolingLayer: boolean,
  ) {
    config.validate();
    this.act = activation(config.hiddenAct);
    const std = config.initializerRange;
    const hidden = config.hiddenSize;
    const dense = (name: string, out: number, inp: number): Dense => ({
      weight: registry.create(`${prefix}${name}.weight`, [out, inp], { kind: 'normal', std }),
      bias: registry.create(`${prefix}${name}.bias`, [out], { kind: 'zeros' }),
    });
    const norm = (name: string): Norm => ({
      weight: registry.create(`${prefix}${name}.weight`, [hidden], { kind: 'ones' }, true, 'LayerNorm'),
      bias: registry.create(`${prefix}${name}.bias`, [hidden], { kind: 'zeros' }, true, 'LayerNorm'),
    });
    this.wordEmbeddings = registry.create(
      `${prefix}embeddings.word_embeddings.weight`,
      [config.vocabSize, hidden],
      {
        kind: 'embedding',
        std,
        paddingIdx: config.padTokenId,
      },
    );
    this.positionEmbeddings = registry.create(
      `${prefix}embeddings.position_embeddings.weight`,
      [config.maxPositionEmbeddings, hidden],
      { kind: 'embedding', std, paddingIdx: null },
    );
    this.tokenTypeEmbeddings = registry.create(
      `${prefix}embeddings.token_type_embeddings.weight`,
      [config.typeVocabSize, hidden],
      { kind: 'embedding', std, paddingIdx: null },
    );
    this.embeddingNorm = norm('embeddings.LayerNorm');
    for (let i = 0; i < config.numHiddenLayers; i++) {
      const base = `encoder.layer.${i}.`;
      this.layers.push({
        query: dense(`${base}attention.self.query`, hidden, hidden),
        key: dense(`${base}attention.self.key`, hidden, hidden),
        value: dense(`${base}attention.self.value`, hidden, hidden),
        attentionOutput: dense(`${base}attention.output.dense`, hidden, hidden),
        attentionNorm: norm(`${base}attention.output.LayerNorm`),
        intermediate: dense(`${base}intermediate.dense`, config.intermediateSize, hidden),
        output: dense(`${base}output.dense`, hidden, config.intermediateSize),
        outputNorm: norm(`${base}output.LayerNorm`),
      });
    }
    this.pooler = addPoolingLayer ? dense('pooler.dense', hidden, hidden) : null;
  }

  /** Runs the encoder; call inside `tf.tidy`. */
  run(
    inputIds: tf.Tensor2D,
    attentionMask: tf.Tensor2D,
    tokenTypeIds: tf.Tensor2D,
    ctx: ForwardContext,
  ): EncoderResult {
    const { config } = this;
    const length = inputIds.shape[1];
    const eps = config.layerNormEps;
    const words = embeddingLookup(this.wordEmbeddings, inputIds, config.padTokenId);
    const types = tf.gather(this.tokenTypeEmbeddings, tokenTypeIds);
    const positions = tf.slice(this.positionEmbeddings, [0, 0], [length, config.hiddenSize]);
    // Same order as BertEmbeddings: (words + token types) + positions.
    let hidden = tf.add(tf.add(words, types), positions);
    hidden = dropout(
      layerNorm(hidden, this.embeddingNorm.weight, this.embeddingNorm.bias, eps),
      config.hiddenDropoutProb,
      ctx,
    );
    const mask = extendedAttentionMask(attentionMask);
    const heads = config.numAttentionHeads;
    const scale = Math.sqrt(config.hiddenSize / heads);
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
    let pooled: tf.Tensor2D | null = null;
    if (this.pooler) {
      const first = tf.reshape(tf.slice(hidden, [0, 0, 0], [-1, 1, -1]), [-1, config.hiddenSize]);
      pooled = tf.tanh(linear(first, this.pooler.weight, this.pooler.bias)) as tf.Tensor2D;
    }
    return { lastHiddenState: hidden as tf.Tensor3D, pooled, hiddenStates, attentions };
  }
}
