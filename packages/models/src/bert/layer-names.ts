import type { TransformerLayerNames } from '../module-weights.js';

/** PyTorch names of a `BertLayer`'s modules. */
export const BERT_LAYER_NAMES: TransformerLayerNames = {
  query: 'attention.self.query',
  key: 'attention.self.key',
  value: 'attention.self.value',
  attentionOutput: 'attention.output.dense',
  attentionNorm: 'attention.output.LayerNorm',
  intermediate: 'intermediate.dense',
  output: 'output.dense',
  outputNorm: 'output.LayerNorm',
};
