/** `DistilBertForTokenClassification`: DistilBERT + dropout (`config.dropout`) + `classifier` per token. */
import * as tf from '@tensorflow/tfjs-core';
import type { DistilBertConfig } from './distilbert-config.js';
import { type FromPretrainedOptions, loadPretrained, type ModelClassSpec } from './load-pretrained.js';
import { DistilBertEncoder } from './distilbert-encoder.js';
import { tokenClassificationLoss } from './head-losses.js';
import { headOutput } from './head-output.js';
import { type ForwardOptions, type ModelInput, type ModelOutput, prepareInputs } from './model-io.js';
import { dropout, linear } from './nn.js';
import { type ModelInitOptions, PreTrainedModel } from './pretrained-model.js';

export class DistilBertForTokenClassification extends PreTrainedModel<DistilBertConfig> {
  static readonly className = 'DistilBertForTokenClassification';
  readonly className = DistilBertForTokenClassification.className;
  private readonly distilbert: DistilBertEncoder;
  private readonly classifierWeight: tf.Variable;
  private readonly classifierBias: tf.Variable;

  constructor(config: DistilBertConfig, options: ModelInitOptions = {}) {
    super(config, options);
    this.distilbert = new DistilBertEncoder(this.registry, 'distilbert.', config);
    this.classifierWeight = this.registry.create('classifier.weight', [config.numLabels, config.dim], {
      kind: 'normal',
      std: config.initializerRange,
    });
    this.classifierBias = this.registry.create('classifier.bias', [config.numLabels], { kind: 'zeros' });
  }

  /** A model with freshly initialised weights (seeded: same config and seed, same weights). */
  static fromConfig(
    config: DistilBertConfig,
    options: ModelInitOptions = {},
  ): DistilBertForTokenClassification {
    return new DistilBertForTokenClassification(config, options);
  }

  /**
   * Loads config.json + model.safetensors from a folder or Hub id, like
   * `DistilBertForTokenClassification.from_pretrained`. See `FromPretrainedOptions`.
   */
  static fromPretrained(
    pathOrId: string,
    options: FromPretrainedOptions = {},
  ): Promise<DistilBertForTokenClassification> {
    return loadPretrained(LOAD_SPEC, pathOrId, options);
  }

  /**
   * Logits `[B, T, num_labels]`, and the mean cross-entropy over labels that
   * are not -100 when `batch.labels` is given (`token_type_ids` is ignored).
   */
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
    const logits = linear(
      dropout(result.lastHiddenState, config.dropout, ctx),
      this.classifierWeight,
      this.classifierBias,
    );
    const loss = inputs.labels ? tokenClassificationLoss(logits, inputs.labels, config.numLabels) : null;
    return headOutput(config, result, logits, loss, options);
  }
}

const LOAD_SPEC: ModelClassSpec<DistilBertForTokenClassification> = {
  className: DistilBertForTokenClassification.className,
  modelType: 'distilbert',
  baseModelPrefix: 'distilbert',
  expectsPrefix: true,
  buffers: ['embeddings.position_ids'],
  ignoreUnexpected: [],
  create: (config, options) => new DistilBertForTokenClassification(config as DistilBertConfig, options),
};
