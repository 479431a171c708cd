import * as tf from '@tensorflow/tfjs-core';
import { fusedEmbeddings, fusedEmbeddingsAvailable } from '../fused-kernels.js';
import { createEmbedding, createLayerNorm, type ModuleWeights } from '../module-weights.js';
import { dropout, embeddingLookup, type ForwardContext, layerNorm } from '../nn.js';
import type { ParameterRegistry } from '../parameter-registry.js';
import type { DistilBertConfig } from './config.js';

/** DistilBERT hard-codes this epsilon for every LayerNorm. */
export const DISTILBERT_LAYER_NORM_EPS = 1e-12;

/**
 * transformers' DistilBERT `Embeddings`: word + position embeddings (sinusoidal and frozen when
 * `sinusoidal_pos_embds`), LayerNorm and dropout; no token types. Weights at
 * `{prefix}embeddings.word_embeddings.weight`, `…position_embeddings…`, `…LayerNorm…`.
 */
export class DistilBertEmbeddings {
  private readonly wordEmbeddings: tf.Variable;
  private readonly positionEmbeddings: tf.Variable;
  private readonly norm: ModuleWeights;

  constructor(
    registry: ParameterRegistry,
    prefix: string,
    private readonly config: DistilBertConfig,
  ) {
    const std = config.initializerRange;
    const dim = config.dim;
    const base = `${prefix}embeddings.`;
    const positions = `${base}position_embeddings.weight`;
    this.wordEmbeddings = createEmbedding(
      registry,
      `${base}word_embeddings.weight`,
      config.vocabSize,
      dim,
      std,
      config.padTokenId,
    );
    // Sinusoidal position tables are fixed in Python (requires_grad=False): not trainable here either.
    this.positionEmbeddings = config.sinusoidalPosEmbds
      ? registry.create(positions, [config.maxPositionEmbeddings, dim], { kind: 'sinusoidal' }, false)
      : createEmbedding(registry, positions, config.maxPositionEmbeddings, dim, std);
    this.norm = createLayerNorm(registry, `${base}LayerNorm`, dim);
  }

  /** `[B, T, dim]` embeddings of `inputIds` `[B, T]`; call inside `tf.tidy`. */
  run(inputIds: tf.Tensor2D, ctx: ForwardContext): tf.Tensor {
    const { config } = this;
    // Eval mode, no tape: one kernel, words + positions then LayerNorm as below (no token types).
    if (fusedEmbeddingsAvailable(ctx.training) && inputIds.dtype === 'int32') {
      const tables = {
        wordEmbeddings: this.wordEmbeddings,
        positionEmbeddings: this.positionEmbeddings,
        gamma: this.norm.weight,
        beta: this.norm.bias,
      };
      return fusedEmbeddings(tables, inputIds, null, DISTILBERT_LAYER_NORM_EPS);
    }
    const words = embeddingLookup(this.wordEmbeddings, inputIds, config.padTokenId);
    const positions = tf.slice(this.positionEmbeddings, [0, 0], [inputIds.shape[1], config.dim]);
    const normed = layerNorm(
      tf.add(words, positions),
      this.norm.weight,
      this.norm.bias,
      DISTILBERT_LAYER_NORM_EPS,
    );
    return dropout(normed, config.dropout, ctx);
  }
}
