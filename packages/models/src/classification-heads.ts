/**
 * One implementation of the classification heads both families share: token classification
 * (dropout + `classifier` per token) and sequence classification (the family's summary of the
 * sequence + `classifier`), with transformers' losses.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sequenceClassificationLoss, tokenClassificationLoss } from './head-losses.js';
import type { EncoderResult, MainLayer, ModelFamily, SequenceSummary } from './model-family.js';
import {
  type ForwardOptions,
  headOutput,
  type ModelBatch,
  type ModelOutput,
  prepareInputs,
} from './model-io.js';
import { createLinear, type ModuleWeights } from './module-weights.js';
import { dropout, type ForwardContext, linear } from './nn.js';
import type { PretrainedConfig } from './pretrained-config.js';
import { type ModelClass, type ModelInitOptions, PreTrainedModel } from './pretrained-model.js';

/** What the heads read from a config beyond the common fields: the common ones and `initializerRange`. */
export type HeadConfig = PretrainedConfig & { readonly initializerRange: number };

/**
 * A family's main layer under `base_model_prefix` with a classifier on top: forward with the loss
 * of the head when `labels` are given. Subclasses say how logits and loss are computed.
 */
export abstract class ClassificationHeadModel<C extends HeadConfig> extends PreTrainedModel<C> {
  static readonly hasHead: boolean = true;
  /** @internal The family's layers and head details (`@ner/models/internal`). */
  // biome-ignore lint/suspicious/noExplicitAny: narrowed by each family's classes.
  protected readonly family: ModelFamily<any>;
  private readonly mainLayer: MainLayer;

  /** @internal Subclasses pass their family (`@ner/models/internal`) and whether the head reads the pooler. */
  protected constructor(config: C, options: ModelInitOptions, family: ModelFamily<C>, usesPooler: boolean) {
    super(config, options);
    this.family = family;
    this.mainLayer = family.createMainLayer(this.registry, `${family.baseModelPrefix}.`, config, usesPooler);
  }

  /** Logits, and the head's loss when `batch.labels` is given. The caller disposes the result. */
  forward(batch: ModelBatch, options: ForwardOptions = {}): ModelOutput {
    return tf.tidy(() => this.run(batch, options) as unknown as tf.TensorContainer) as unknown as ModelOutput;
  }

  protected forwardWithLoss(batch: ModelBatch, options: ForwardOptions): tf.Scalar {
    return this.run(batch, { ...options, outputHiddenStates: false, outputAttentions: false }).loss!;
  }

  /** @internal The head's logits from the encoder's result. */
  protected abstract logits(result: EncoderResult, ctx: ForwardContext): tf.Tensor;
  protected abstract loss(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar;

  /** @internal The `classifier` Linear (`[num_labels, inFeatures]`). */
  protected createClassifier(inFeatures: number): ModuleWeights {
    const { config } = this;
    return createLinear(this.registry, 'classifier', config.numLabels, inFeatures, config.initializerRange);
  }

  private run(batch: ModelBatch, options: ForwardOptions): ModelOutput {
    const { config } = this;
    const inputs = prepareInputs(batch, this.family.inputLimits(config));
    const ctx = this.context(options);
    const result = this.mainLayer.run(inputs, ctx);
    const logits = this.logits(result, ctx);
    const loss = inputs.labels ? this.loss(logits, inputs.labels) : null;
    return headOutput(config, result, logits, loss, options);
  }
}

/** The family of the class being constructed (`new.target`), read before `super()` has run. */
function familyOf(target: unknown): ModelFamily {
  return (target as ModelClass).family;
}

/**
 * transformers' `…ForTokenClassification`: main layer (no pooler), dropout, then `classifier` on
 * every token: logits `[B, T, num_labels]`; the loss is the mean cross-entropy over labels that are
 * not -100.
 */
export abstract class TokenClassificationHeadModel<C extends HeadConfig> extends ClassificationHeadModel<C> {
  private readonly classifier: ModuleWeights;

  constructor(config: C, options: ModelInitOptions = {}) {
    const family = familyOf(new.target);
    super(config, options, family, false);
    this.classifier = this.createClassifier(family.hiddenSize(config));
  }

  /** @internal */
  protected logits(result: EncoderResult, ctx: ForwardContext): tf.Tensor {
    const rate = this.family.tokenClassifierDropout(this.config);
    return linear(dropout(result.lastHiddenState, rate, ctx), this.classifier.weight, this.classifier.bias);
  }

  protected loss(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
    return tokenClassificationLoss(logits, labels, this.config.numLabels);
  }
}

/**
 * transformers' `…ForSequenceClassification`: main layer, the family's summary of the sequence
 * (BERT: pooler + dropout; DistilBERT: `pre_classifier` + ReLU + dropout on the first token), then
 * `classifier`: logits `[B, num_labels]`; the loss follows `problem_type` (cross-entropy,
 * BCE-with-logits or MSE, chosen like Python when unset).
 */
export abstract class SequenceClassificationHeadModel<
  C extends HeadConfig,
> extends ClassificationHeadModel<C> {
  private readonly summary: SequenceSummary;
  private readonly classifier: ModuleWeights;

  constructor(config: C, options: ModelInitOptions = {}) {
    const family = familyOf(new.target);
    super(config, options, family, family.sequenceHeadUsesPooler);
    this.summary = family.createSequenceSummary(this.registry, config);
    this.classifier = this.createClassifier(family.hiddenSize(config));
  }

  /** @internal */
  protected logits(result: EncoderResult, ctx: ForwardContext): tf.Tensor {
    return linear(this.summary(result, ctx), this.classifier.weight, this.classifier.bias);
  }

  protected loss(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
    return sequenceClassificationLoss(this.config, logits, labels);
  }
}
