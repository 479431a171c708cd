import type { LayerStackLayout } from '../module-weights.js';
import type { ParameterRegistry } from '../parameter-registry.js';
import { type PostNormStackSpec, PostNormLayerStack } from '../post-norm-stack.js';
import type { BertConfig } from './config.js';
import { BERT_LAYER_NAMES } from './layer-names.js';

/**
 * transformers' `BertEncoder`: the stack of `num_hidden_layers` post-LayerNorm transformer layers
 * (weights at `{prefix}encoder.layer.N.attention.self.query…`, `…intermediate.dense…`, …).
 */
export class BertEncoder extends PostNormLayerStack {
  constructor(
    registry: ParameterRegistry,
    prefix: string,
    private readonly config: BertConfig,
  ) {
    super(registry, prefix, bertStackLayout(config), config.initializerRange, config.hiddenAct);
  }

  protected spec(): Omit<PostNormStackSpec, 'act'> {
    const { config } = this;
    return {
      heads: config.numAttentionHeads,
      hiddenSize: config.hiddenSize,
      eps: config.layerNormEps,
      attentionDropout: config.attentionProbsDropoutProb,
      attentionOutputDropout: config.hiddenDropoutProb,
      ffnDropout: config.hiddenDropoutProb,
      scaleQueryFirst: false,
    };
  }
}

/** `BertEncoder`'s layers: `encoder.layer.N.`, `num_hidden_layers` of them. */
export function bertStackLayout(config: BertConfig): LayerStackLayout {
  const { numHiddenLayers: layers, hiddenSize: hidden, intermediateSize: intermediate } = config;
  return { layerPrefix: 'encoder.layer.', layers, names: BERT_LAYER_NAMES, hidden, intermediate };
}
