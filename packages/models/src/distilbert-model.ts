/** `DistilBertModel`: the bare DistilBERT encoder (weights without the `distilbert.` prefix). */
import * as tf from '@tensorflow/tfjs-core';
import type { DistilBertConfig } from './distilbert-config.js';
import { type FromPretrainedOptions, loadPretrained, type ModelClassSpec } from './load-pretrained.js';
import { DistilBertEncoder } from './distilbert-encoder.js';
import { InputError } from './errors.js';
import { type BaseModelOutput, type ForwardOptions, type ModelInput, prepareInputs } from './model-io.js';
import { type ModelInitOptions, PreTrainedModel } from './pretrained-model.js';

export class DistilBertModel extends PreTrainedModel<DistilBertConfig> {
  static readonly className = 'DistilBertModel';
  readonly className = DistilBertModel.className;
  private readonly encoder: DistilBertEncoder;

  constructor(config: DistilBertConfig, options: ModelInitOptions = {}) {
    super(config, options);
    this.encoder = new DistilBertEncoder(this.registry, '', config);
  }

  /** A model with freshly initialised weights (seeded: same config and seed, same weights). */
  static fromConfig(config: DistilBertConfig, options: ModelInitOptions = {}): DistilBertModel {
    return new DistilBertModel(config, options);
  }

  /**
   * Loads config.json + model.safetensors from a folder or Hub id, like
   * `DistilBertModel.from_pretrained`. See `FromPretrainedOptions`.
   */
  static fromPretrained(pathOrId: string, options: FromPretrainedOptions = {}): Promise<DistilBertModel> {
    return loadPretrained(LOAD_SPEC, pathOrId, options);
  }

  /**
   * Runs the encoder (`token_type_ids` is ignored: DistilBERT has no segment
   * embeddings). Returns `lastHiddenState` and on request `hiddenStates` /
   * `attentions`; the caller disposes them.
   */
  forward(batch: ModelInput, options: ForwardOptions = {}): BaseModelOutput {
    return tf.tidy(() => {
      const inputs = prepareInputs(batch, {
        vocabSize: this.config.vocabSize,
        maxPositions: this.config.maxPositionEmbeddings,
        typeVocabSize: null,
      });
      const result = this.encoder.run(inputs.inputIds, inputs.attentionMask, this.context(options));
      const output: {
        lastHiddenState: tf.Tensor3D;
        hiddenStates?: tf.Tensor3D[];
        attentions?: tf.Tensor4D[];
      } = {
        lastHiddenState: result.lastHiddenState,
      };
      if (options.outputHiddenStates ?? this.config.outputHiddenStates)
        output.hiddenStates = result.hiddenStates;
      if (options.outputAttentions ?? this.config.outputAttentions) output.attentions = result.attentions;
      return output;
    });
  }

  protected forwardWithLoss(): tf.Scalar {
    throw new InputError('DistilBertModel has no head and computes no loss; use a DistilBertFor… head.');
  }
}

const LOAD_SPEC: ModelClassSpec<DistilBertModel> = {
  className: DistilBertModel.className,
  modelType: 'distilbert',
  baseModelPrefix: 'distilbert',
  expectsPrefix: false,
  buffers: ['embeddings.position_ids'],
  ignoreUnexpected: [],
  create: (config, options) => new DistilBertModel(config as DistilBertConfig, options),
};
