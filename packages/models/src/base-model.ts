/** The bare encoders (`BertModel`, `DistilBertModel`): a family's main layer and no head. */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from './errors.js';
import type { MainLayer, ModelFamily } from './model-family.js';
import {
  type BaseModelOutput,
  type ForwardOptions,
  type ModelBatch,
  type Mutable,
  prepareInputs,
  requestedLayerOutputs,
} from './model-io.js';
import type { PretrainedConfig } from './pretrained-config.js';
import { type ModelClass, type ModelInitOptions, PreTrainedModel } from './pretrained-model.js';

/** Options of the bare encoders. */
export interface BaseModelOptions extends ModelInitOptions {
  /** Build BERT's `pooler.dense` (Python's `add_pooling_layer`, default true); DistilBERT has none. */
  readonly addPoolingLayer?: boolean;
}

/**
 * Shared implementation of transformers' bare `…Model` classes: the main layer at the root of the
 * state dict (no `bert.` prefix), returning `lastHiddenState` (and BERT's `poolerOutput`).
 */
export abstract class BaseEncoderModel<C extends PretrainedConfig> extends PreTrainedModel<C> {
  static readonly hasHead: boolean = false;
  private readonly family: ModelFamily<C>;
  private readonly mainLayer: MainLayer;

  constructor(config: C, options: BaseModelOptions = {}) {
    super(config, options);
    this.family = (new.target as unknown as ModelClass).family;
    this.mainLayer = this.family.createMainLayer(this.registry, '', config, options.addPoolingLayer ?? true);
  }

  /**
   * Runs the encoder. Returns `lastHiddenState` `[B, T, H]`, BERT's `poolerOutput` `[B, H]`, and
   * on request `hiddenStates` / `attentions`. The caller disposes the tensors (`tf.dispose(output)`).
   */
  forward(batch: ModelBatch, options: ForwardOptions = {}): BaseModelOutput {
    return tf.tidy(() => {
      const result = this.mainLayer.run(
        prepareInputs(batch, this.family.inputLimits(this.config)),
        this.context(options),
      );
      // A mapped type, which tf.tidy accepts as a TensorContainer (an interface it does not).
      const output: Mutable<BaseModelOutput> = {
        lastHiddenState: result.lastHiddenState,
        ...(result.pooled ? { poolerOutput: result.pooled } : {}),
        ...requestedLayerOutputs(this.config, result, options),
      };
      return output;
    });
  }

  protected forwardWithLoss(): tf.Scalar {
    throw new InputError(
      `${this.className} has no head and computes no loss; use a …ForTokenClassification or …ForSequenceClassification model.`,
    );
  }
}
