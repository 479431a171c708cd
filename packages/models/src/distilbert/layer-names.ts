import type { TransformerLayerNames } from '../module-weights.js';

/** PyTorch names of a `TransformerBlock`'s modules. */
export const DISTILBERT_BLOCK_NAMES: TransformerLayerNames = {
  query: 'attention.q_lin',
  key: 'attention.k_lin',
  value: 'attention.v_lin',
  attentionOutput: 'attention.out_lin',
  attentionNorm: 'sa_layer_norm',
  intermediate: 'ffn.lin1',
  output: 'ffn.lin2',
  outputNorm: 'output_layer_norm',
};
