import type * as tf from '@tensorflow/tfjs-core';
import { createLayerNorm, createLinear, type ModuleWeights } from '../module-weights.js';
import { activation, layerNorm, linear } from '../nn.js';
import type { ParameterRegistry } from '../parameter-registry.js';
import type { BertConfig } from './config.js';

/**
 * transformers' `BertOnlyMLMHead` (`cls.predictions`): `BertPredictionHeadTransform` (dense,
 * activation, LayerNorm) then a decoder whose weight is the word-embedding table (tied, as
 * `tie_word_embeddings` does) plus its own bias. Weights at `cls.predictions.bias`,
 * `cls.predictions.transform.dense.{weight,bias}` and `cls.predictions.transform.LayerNorm.{weight,bias}`,
 * in Python's `named_parameters()` order. The decoder weight is not a weight of its own, so a saved
 * checkpoint has no `cls.predictions.decoder.weight`, as Python's safetensors files have none.
 */
export class BertMaskedLMHead {
  private readonly bias: tf.Variable;
  private readonly dense: ModuleWeights;
  private readonly norm: ModuleWeights;
  private readonly act: (x: tf.Tensor) => tf.Tensor;

  /** @internal Built by `BertForMaskedLM`, which owns the weights (`registry`). */
  constructor(
    registry: ParameterRegistry,
    private readonly config: BertConfig,
    private readonly wordEmbeddings: tf.Variable,
  ) {
    const hidden = config.hiddenSize;
    // `bias` is BertLMPredictionHead's own parameter, so Python lists it before the transform's.
    this.bias = registry.create('cls.predictions.bias', [config.vocabSize], { kind: 'zeros' });
    this.dense = createLinear(
      registry,
      'cls.predictions.transform.dense',
      hidden,
      hidden,
      config.initializerRange,
    );
    this.norm = createLayerNorm(registry, 'cls.predictions.transform.LayerNorm', hidden);
    this.act = activation(config.hiddenAct);
  }

  /** Vocabulary logits `[..., vocab_size]` of hidden states `[..., H]`; call inside `tf.tidy`. */
  run(hidden: tf.Tensor): tf.Tensor {
    const transformed = layerNorm(
      this.act(linear(hidden, this.dense.weight, this.dense.bias)),
      this.norm.weight,
      this.norm.bias,
      this.config.layerNormEps,
    );
    // The embedding table `[V, H]` is already in Linear's `[out, in]` layout.
    return linear(transformed, this.wordEmbeddings, this.bias);
  }
}
