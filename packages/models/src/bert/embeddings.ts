import * as tf from '@tensorflow/tfjs-core';
import { fusedEmbeddings, fusedEmbeddingsAvailable } from '../fused-kernels.js';
import { createEmbedding, createLayerNorm, type ModuleWeights } from '../module-weights.js';
import { dropout, embeddingLookup, type ForwardContext, layerNorm } from '../nn.js';
import type { ParameterRegistry } from '../parameter-registry.js';
import type { BertConfig } from './config.js';

/**
 * transformers' `BertEmbeddings`: word + token type + absolute position embeddings, LayerNorm and
 * dropout. Weights at `{prefix}embeddings.word_embeddings.weight`, `…position_embeddings…`,
 * `…token_type_embeddings…`, `…LayerNorm.{weight,bias}`.
 */
export class BertEmbeddings {
  private readonly wordEmbeddings: tf.Variable;
  private readonly positionEmbeddings: tf.Variable;
  private readonly tokenTypeEmbeddings: tf.Variable;
  private readonly norm: ModuleWeights;

  constructor(
    registry: ParameterRegistry,
    prefix: string,
    private readonly config: BertConfig,
  ) {
    const std = config.initializerRange;
    const hidden = config.hiddenSize;
    const base = `${prefix}embeddings.`;
    const table = (name: string, rows: number, paddingIdx: number | null = null) =>
      createEmbedding(registry, `${base}${name}.weight`, rows, hidden, std, paddingIdx);
    this.wordEmbeddings = table('word_embeddings', config.vocabSize, config.padTokenId);
    this.positionEmbeddings = table('position_embeddings', config.maxPositionEmbeddings);
    this.tokenTypeEmbeddings = table('token_type_embeddings', config.typeVocabSize);
    this.norm = createLayerNorm(registry, `${base}LayerNorm`, hidden);
  }

  /** `[B, T, H]` embeddings of `inputIds` `[B, T]`; call inside `tf.tidy`. */
  run(inputIds: tf.Tensor2D, tokenTypeIds: tf.Tensor2D, ctx: ForwardContext): tf.Tensor {
    const { config } = this;
    // Eval mode, no tape: one kernel (bit for bit these ops on the native backend; dropout is the
    // identity in eval mode). Ids of another dtype keep the ops, which handle them as before.
    if (
      fusedEmbeddingsAvailable(ctx.training) &&
      inputIds.dtype === 'int32' &&
      tokenTypeIds.dtype === 'int32'
    ) {
      const tables = {
        wordEmbeddings: this.wordEmbeddings,
        positionEmbeddings: this.positionEmbeddings,
        tokenTypeEmbeddings: this.tokenTypeEmbeddings,
        gamma: this.norm.weight,
        beta: this.norm.bias,
      };
      return fusedEmbeddings(tables, inputIds, tokenTypeIds, config.layerNormEps);
    }
    const length = inputIds.shape[1];
    const words = embeddingLookup(this.wordEmbeddings, inputIds, config.padTokenId);
    const types = tf.gather(this.tokenTypeEmbeddings, tokenTypeIds);
    const positions = tf.slice(this.positionEmbeddings, [0, 0], [length, config.hiddenSize]);
    // Same order as BertEmbeddings: (words + token types) + positions.
    const summed = tf.add(tf.add(words, types), positions);
    const normed = layerNorm(summed, this.norm.weight, this.norm.bias, config.layerNormEps);
    return dropout(normed, config.hiddenDropoutProb, ctx);
  }
}
