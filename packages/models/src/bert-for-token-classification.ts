/** `BertForTokenClassification`: BERT (no pooler) + dropout + `classifier` per token. */
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from './bert-config.js';
import { type FromPretrainedOptions, loadPretrained, type ModelClassSpec } from './load-pretrained.js';
import { BertEncoder } from './bert-encoder.js';
import { tokenClassificationLoss } from './head-losses.js';
import { headOutput } from './head-output.js';
import { type ForwardOptions, type ModelInput, type ModelOutput, prepareInputs } from './model-io.js';
import { dropout, linear } from './nn.js';
import { type ModelInitOptions, PreTrainedModel } from './pretrained-model.js';

export class BertForTokenClassification extends PreTrainedModel<BertConfig> {
  static readonly className = 'BertForTokenClassification';
  readonly className = BertForTokenClassification.className;
  private readonly bert: BertEncoder;
  private readonly classifierWeight: tf.Variable;
  private readonly classifierBias: tf.Variable;

  constructor(config: BertConfig, options: ModelInitOptions = {}) {
    super(config, options);
    this.bert = new BertEncoder(this.registry, 'bert.', config, false);
    this.classifierWeight = this.registry.create('classifier.weight', [config.numLabels, config.hiddenSize], {
      kind: 'normal',
      std: config.initializerRange,
    });
    this.classifierBias = this.registry.create('classifier.bias', [config.numLabels], { kind: 'zeros' });
  }

  /** A model with freshly initialised weights (seeded: same config and seed, same weights). */
  static fromConfig(config: BertConfig, options: ModelInitOptions = {}): BertForTokenClassification {
    return new BertForTokenClassification(config, options);
  }

  /**
   * Loads config.json + model.safetensors from a folder or Hub id, like
   * `BertForTokenClassification.from_pretrained`. See `FromPretrainedOptions`.
   */
  static fromPretrained(
    pathOrId: string,
    options: FromPretrainedOptions = {},
  ): Promise<BertForTokenClassification> {
    return loadPretrained(LOAD_SPEC, pathOrId, options);
  }

  /**
   * Logits `[B, T, num_labels]`, and the mean cross-entropy over labels that
   * are not -100 when `batch.labels` is given. The caller disposes the result.
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
      typeVocabSize: config.typeVocabSize,
    });
    const ctx = this.context(options);
    const result = this.bert.run(inputs.inputIds, inputs.attentionMask, inputs.tokenTypeIds!, ctx);
    const rate = config.classifierDropout ?? config.hiddenDropoutProb;
    const logits = linear(
      dropout(result.lastHiddenState, rate, ctx),
      this.classifierWeight,
      this.classifierBias,
    );
    const loss = inputs.labels ? tokenClassificationLoss(logits, inputs.labels, config.numLabels) : null;
    return headOutput(config, result, logits, loss, options);
  }
}

const LOAD_SPEC: ModelClassSpec<BertForTokenClassification> = {
  className: BertForTokenClassification.className,
  modelType: 'bert',
  baseModelPrefix: 'bert',
  expectsPrefix: true,
  buffers: ['embeddings.position_ids', 'embeddings.token_type_ids'],
  ignoreUnexpected: [],
  create: (config, options) => new BertForTokenClassification(config as BertConfig, options),
};
