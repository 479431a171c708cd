import * as tf from '@tensorflow/tfjs-core';
import type { ModelFamily } from '../model-family.js';
import { createLinear } from '../module-weights.js';
import { dropout, linear } from '../nn.js';
import type { DistilBertConfig } from './config.js';
import { DistilBertMainLayer } from './main-layer.js';

/** DistilBERT: `distilbert.` prefix, no token types, `pre_classifier` sequence head. */
export const DISTILBERT_FAMILY: ModelFamily<DistilBertConfig> = {
  modelType: 'distilbert',
  baseModelPrefix: 'distilbert',
  buffers: ['embeddings.position_ids'],
  hiddenSize: (config) => config.dim,
  inputLimits: (config) => ({
    vocabSize: config.vocabSize,
    maxPositions: config.maxPositionEmbeddings,
    typeVocabSize: null,
  }),
  createMainLayer: (registry, prefix, config) => new DistilBertMainLayer(registry, prefix, config),
  tokenClassifierDropout: (config) => config.dropout,
  sequenceHeadUsesPooler: false,
  createSequenceSummary: (registry, config) => {
    const dim = config.dim;
    const preClassifier = createLinear(registry, 'pre_classifier', dim, dim, config.initializerRange);
    return (result, ctx) => {
      const first = tf.reshape(tf.slice(result.lastHiddenState, [0, 0, 0], [-1, 1, -1]), [-1, dim]);
      const hidden = tf.relu(linear(first, preClassifier.weight, preClassifier.bias));
      return dropout(hidden, config.seqClassifDropout, ctx);
    };
  },
};
