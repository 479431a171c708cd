import type { ModelFamily } from '../model-family.js';
import { dropout } from '../nn.js';
import type { BertConfig } from './config.js';
import { BertMainLayer } from './main-layer.js';

/** Dropout before BERT's classifiers: `classifier_dropout`, else `hidden_dropout_prob` (as Python). */
const classifierDropout = (config: BertConfig) => config.classifierDropout ?? config.hiddenDropoutProb;

/** BERT: `bert.` prefix, token types, pooler-based sequence head. */
export const BERT_FAMILY: ModelFamily<BertConfig> = {
  modelType: 'bert',
  baseModelPrefix: 'bert',
  buffers: ['embeddings.position_ids', 'embeddings.token_type_ids'],
  hiddenSize: (config) => config.hiddenSize,
  inputLimits: (config) => ({
    vocabSize: config.vocabSize,
    maxPositions: config.maxPositionEmbeddings,
    typeVocabSize: config.typeVocabSize,
  }),
  createMainLayer: (registry, prefix, config, addPoolingLayer) =>
    new BertMainLayer(registry, prefix, config, addPoolingLayer),
  tokenClassifierDropout: classifierDropout,
  sequenceHeadUsesPooler: true,
  createSequenceSummary: (_registry, config) => (result, ctx) =>
    dropout(result.pooled!, classifierDropout(config), ctx),
};
