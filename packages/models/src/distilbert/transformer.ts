import type { LayerStackLayout } from '../module-weights.js';
import type { ParameterRegistry } from '../parameter-registry.js';
import { type PostNormStackSpec, PostNormLayerStack } from '../post-norm-stack.js';
import type { DistilBertConfig } from './config.js';
import { DISTILBERT_LAYER_NORM_EPS } from './embeddings.js';
import { DISTILBERT_BLOCK_NAMES } from './layer-names.js';

/**
 * transformers' DistilBERT `Transformer`: the stack of `n_layers` post-LayerNorm blocks (weights at
 * `{prefix}transformer.layer.N.attention.q_lin…`, LayerNorm eps 1e-12 fixed as in Python).
 */
export class DistilBertTransformer extends PostNormLayerStack {
  constructor(
    registry: ParameterRegistry,
    prefix: string,
    private readonly config: DistilBertConfig,
  ) {
    super(registry, prefix, distilBertStackLayout(config), config.initializerRange, config.activation);
  }

  protected spec(): Omit<PostNormStackSpec, 'act'> {
    const { config } = this;
    return {
      heads: config.nHeads,
      hiddenSize: config.dim,
      eps: DISTILBERT_LAYER_NORM_EPS,
      attentionDropout: config.attentionDropout,
      // DistilBERT's attention has no dropout after `out_lin`.
      attentionOutputDropout: null,
      ffnDropout: config.dropout,
      scaleQueryFirst: true,
    };
  }
}

/** DistilBERT's `Transformer` blocks: `transformer.layer.N.`, `n_layers` of them. */
export function distilBertStackLayout(config: DistilBertConfig): LayerStackLayout {
  const { nLayers: layers, dim: hidden, hiddenDim: intermediate } = config;
  return { layerPrefix: 'transformer.layer.', layers, names: DISTILBERT_BLOCK_NAMES, hidden, intermediate };
}
