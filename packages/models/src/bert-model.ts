/** `BertModel`: the bare BERT encoder with pooler (weights without the `bert.` prefix). */
import * as tf from '@tensorflow/tfjs-core';
import type { BertConfig } from './bert-config.js';
import { type FromPretrainedOptions, loadPretrained, type ModelClassSpec } from './load-pretrained.js';
import { BertEncoder } from './bert-encoder.js';
import { InputError } from './errors.js';
import { type BaseModelOutput, type ForwardOptions, type ModelInput, prepareInputs } from './model-io.js';
import { type ModelInitOptions, PreTrainedModel } from './pretrained-model.js';

/** Options of `BertModel`. */
export interface BertModelOptions extends ModelInitOptions {
  /** Build `pooler.dense` (Python's `add_pooling_layer`, default true). */
  readonly addPoolingLayer?: boolean;
}

export class BertModel extends PreTrainedModel<BertConfig> {
  static readonly className = 'BertModel';
  readonly className = BertModel.className;
  private readonly encoder: BertEncoder;

  constructor(config: BertConfig, options: BertModelOptions = {}) {
    super(config, options);
    this.encoder = new BertEncoder(this.registry, '', config, options.addPoolingLayer ?? true);
  }

  /** A model with freshly initialised weights (seeded: same config and seed, same weights). */
  static fromConfig(config: BertConfig, options: BertModelOptions = {}): BertModel {
    return new BertModel(config, options);
  }

  /**
   * Loads config.json + model.safetensors from a folder or Hub id, like
   * `BertModel.from_pretrained`. See `FromPretrainedOptions`.
   */
  static fromPretrained(pathOrId: string, options: FromPretrainedOptions = {}): Promise<BertModel> {
    return loadPretrained(LOAD_SPEC, pathOrId, options);
  }

  /**
   * Runs the encoder. Returns `lastHiddenState` `[B, T, H]`, `poolerOutput`
   * `[B, H]`, and on request `hiddenStates` / `attentions`. The caller
   * disposes the tensors (`tf.dispose(output)`).
   */
  forward(batch: ModelInput, options: ForwardOptions = {}): BaseModelOutput {
    return tf.tidy(() => {
      const inputs = prepareInputs(batch, {
        vocabSize: this.config.vocabSize,
        maxPositions: this.config.maxPositionEmbeddings,
        typeVocabSize: this.config.typeVocabSize,
      });
      const result = this.encoder.run(
        inputs.inputIds,
        inputs.attentionMask,
        inputs.tokenTypeIds!,
        this.context(options),
      );
      const output: {
        lastHiddenState: tf.Tensor3D;
        poolerOutput?: tf.Tensor2D;
        hiddenStates?: tf.Tensor3D[];
        attentions?: tf.Tensor4D[];
      } = { lastHiddenState: result.lastHiddenState };
      if (result.pooled) output.poolerOutput = result.pooled;
      if (options.outputHiddenStates ?? this.config.outputHiddenStates)
        output.hiddenStates = result.hiddenStates;
      if (options.outputAttentions ?? this.config.outputAttentions) output.attentions = result.attentions;
      return output;
    });
  }

  protected forwardWithLoss(): tf.Scalar {
    throw new InputError(
      'BertModel has no head and computes no loss; use BertForTokenClassification or BertForSequenceClassification.',
    );
  }
}

const LOAD_SPEC: ModelClassSpec<BertModel> = {
  className: BertModel.className,
  modelType: 'bert',
  baseModelPrefix: 'bert',
  expectsPrefix: false,
  buffers: ['embeddings.position_ids', 'embeddings.token_type_ids'],
  ignoreUnexpected: [],
  create: (config, options) => new BertModel(config as BertConfig, options),
};
