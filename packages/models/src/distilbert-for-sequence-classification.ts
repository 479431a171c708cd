/**
 * `DistilBertForSequenceClassification`: DistilBERT, then on the first token
 * `pre_classifier` + ReLU + dropout (`seq_classif_dropout`) + `classifier`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DistilBertConfig } from './distilbert-config.js';
import { type FromPretrainedOptions, loadPretrained, type ModelClassSpec } from './load-pretrained.js';
import { DistilBertEncoder } from './distilbert-encoder.js';
import { sequenceClassificationLoss } from './head-losses.js';
import { headOutput } from './head-output.js';
import { type ForwardOptions, type ModelInput, type ModelOutput, prepareInputs } from './model-io.js';
import { dropout, linear } from './nn.js';
import { type ModelInitOptions, PreTrainedModel } from './pretrained-model.js';

export class DistilBertForSequenceClassification extends PreTrainedModel<DistilBertConfig> {
  static readonly className = 'DistilBertForSequenceClassification';
  readonly className = DistilBertForSequenceClassification.className;
  private readonly distilbert: DistilBertEncoder;
  private readonly preClassifierWeight: tf.Variable;
  private readonly preClassifierBias: tf.Variable;
  private readonly classifierWeight: tf.Variable;
  private readonly classifierBias: tf.Variable;

  constructor(config: DistilBertConfig, options: ModelInitOptions = {}) {
    super(config, options);
    this.distilbert = new DistilBertEncoder(this.registry, 'distilbert.', config);
    const std = config.initializerRange;
    this.preClassifierWeight = this.registry.create('pre_classifier.weight', [config.dim, config.dim], {
      kind: 'normal',
      std,
    });
    this.preClassifierBias = this.registry.create('pre_classifier.bias', [config.dim], { kind: 'zeros' });
    this.classifierWeight = this.registry.create('classifier.weight', [config.numLabels, config.dim], {
      kind: 'normal',
      std,
    });
    this.classifierBias = this.registry.create('classifier.bias', [config.numLabels], { kind: 'zeros' });
  }

  /** A model with freshly initialised weights (seeded: same config and seed, same weights). */
  static fromConfig(
    config: DistilBertConfig,
    options: ModelInitOptions = {},
  ): DistilBertForSequenceClassification {
    return new DistilBertForSequenceClassification(config, options);
  }

  /**
   * Loads config.json + model.safetensors from a folder or Hub id, like
   * `DistilBertForSequenceClassification.from_pretrained`. See `FromPretrainedOptions`.
   */
  static fromPretrained(
    pathOrId: string,
    options: FromPretrainedOptions = {},
  ): Promise<DistilBertForSequenceClassification> {
    return loadPretrained(LOAD_SPEC, pathOrId, options);
  }

  /** Logits `[B, num_labels]`; with labels also the loss of the config's `problem_type`. */
  forward(batch: ModelInput, options: ForwardOptions = {}): ModelOutput {
    return tf.tidy(() => this.run(batch, options) as unknown as tf.TensorContainer) as unknown as ModelOutput;
  }

  protected forwardWithLoss(batch: ModelInput, options: ForwardOptions): tf.Scalar {
    return this.run(batch, { ...options, outputHiddenStates: false, outputAttentions: false }).loss!;
  }

  private run(batch: ModelInput, options: ForwardOptions): ModelOutput {
    const { config } = this;
    const inputs = prepareInputs(batch, {
      vocabSize: config.vocabSize,
      maxPositions: config.maxPositionEmbeddings,
      typeVocabSize: null,
    });
    const ctx = this.context(options);
    const result = this.distilbert.run(inputs.inputIds, inputs.attentionMask, ctx);
    const first = tf.reshape(tf.slice(result.lastHiddenState, [0, 0, 0], [-1, 1, -1]), [-1, config.dim]);
    const pooled = dropout(
      tf.relu(linear(first, this.preClassifierWeight, this.preClassifierBias)),
      config.seqClassifDropout,
      ctx,
    );
    const logits = linear(pooled, this.classifierWeight, this.classifierBias);
    const loss = inputs.labels ? sequenceClassificationLoss(config, logits, inputs.labels) : null;
    return headOutput(config, result, logits, loss, options);
  }
}

const LOAD_SPEC: ModelClassSpec<DistilBertForSequenceClassification> = {
  className: DistilBertForSequenceClassification.className,
  modelType: 'distilbert',
  baseModelPrefix: 'distilbert',
  expectsPrefix: true,
  buffers: ['embeddings.position_ids'],
  ignoreUnexpected: [],
  create: (config, options) => new DistilBertForSequenceClassification(config as DistilBertConfig, options),
};
