/** `DistilBertConfig`: the fields of transformers' DistilBertConfig, read from and written to config.json. */
import {
  CONFIG_LIMITS,
  checkFloatRange,
  checkIntegerRange,
  checkParameterCount,
  checkProbability,
} from '../config-limits.js';
import { ConfigError } from '../errors.js';
import { activation } from '../nn.js';
import { countParameters, distilBertEncoderShapes } from '../parameter-shapes.js';
import { type FieldSpec, PretrainedConfig, type PretrainedConfigOptions } from '../pretrained-config.js';

/** camelCase twins of DistilBertConfig's Python kwargs; defaults are Python's (distilbert-base). */
export interface DistilBertConfigOptions extends PretrainedConfigOptions {
  vocabSize?: number;
  maxPositionEmbeddings?: number;
  sinusoidalPosEmbds?: boolean;
  nLayers?: number;
  nHeads?: number;
  dim?: number;
  hiddenDim?: number;
  dropout?: number;
  attentionDropout?: number;
  activation?: string;
  initializerRange?: number;
  qaDropout?: number;
  seqClassifDropout?: number;
}

const DISTILBERT_FIELDS: readonly FieldSpec[] = [
  { json: 'vocab_size', prop: 'vocabSize', kind: 'int', default: 30522 },
  { json: 'max_position_embeddings', prop: 'maxPositionEmbeddings', kind: 'int', default: 512 },
  { json: 'sinusoidal_pos_embds', prop: 'sinusoidalPosEmbds', kind: 'bool', default: false },
  { json: 'n_layers', prop: 'nLayers', kind: 'int', default: 6 },
  { json: 'n_heads', prop: 'nHeads', kind: 'int', default: 12 },
  { json: 'dim', prop: 'dim', kind: 'int', default: 768 },
  { json: 'hidden_dim', prop: 'hiddenDim', kind: 'int', default: 3072 },
  { json: 'dropout', prop: 'dropout', kind: 'float', default: 0.1 },
  { json: 'attention_dropout', prop: 'attentionDropout', kind: 'float', default: 0.1 },
  { json: 'activation', prop: 'activation', kind: 'string', default: 'gelu' },
  { json: 'initializer_range', prop: 'initializerRange', kind: 'float', default: 0.02 },
  { json: 'qa_dropout', prop: 'qaDropout', kind: 'float', default: 0.1 },
  { json: 'seq_classif_dropout', prop: 'seqClassifDropout', kind: 'float', default: 0.2 },
];

/**
 * transformers' `DistilBertConfig`: sizes, dropouts and labels of a DistilBERT model, read from and
 * written to `config.json` with Python's keys; `hiddenSize` and friends map to `dim`, ... as in Python.
 */
export class DistilBertConfig extends PretrainedConfig {
  readonly modelType = 'distilbert';
  vocabSize = 30522;
  maxPositionEmbeddings = 512;
  sinusoidalPosEmbds = false;
  nLayers = 6;
  nHeads = 12;
  dim = 768;
  hiddenDim = 3072;
  dropout = 0.1;
  attentionDropout = 0.1;
  activation = 'gelu';
  initializerRange = 0.02;
  qaDropout = 0.1;
  seqClassifDropout = 0.2;

  constructor(options: DistilBertConfigOptions = {}) {
    super();
    this.applyOptions(options);
  }

  protected fieldSpecs(): readonly FieldSpec[] {
    return DISTILBERT_FIELDS;
  }

  /** Python's attribute_map: `hidden_size` is `dim`. */
  get hiddenSize(): number {
    return this.dim;
  }

  /** Python's attribute_map: `num_attention_heads` is `n_heads`. */
  get numAttentionHeads(): number {
    return this.nHeads;
  }

  /** Python's attribute_map: `num_hidden_layers` is `n_layers`. */
  get numHiddenLayers(): number {
    return this.nLayers;
  }

  /**
   * Checks every field before a model is built from this config: sizes are
   * integers within `CONFIG_LIMITS`, dropout probabilities lie in [0, 1),
   * `dim` divides into the heads (Python asserts it at model init), the labels
   * are consistent, `pad_token_id` is in the vocabulary, and the whole model
   * stays under `CONFIG_LIMITS.maxParameters` weights. `fromDict` calls it
   * with the file path; the encoders call it again before allocating anything.
   * @param source names the file (or "config") in error messages
   * @throws ConfigError naming the file and field
   */
  validate(source = 'config'): void {
    const limits = CONFIG_LIMITS;
    checkIntegerRange(source, 'vocab_size', this.vocabSize, 1, limits.maxVocabSize);
    checkIntegerRange(
      source,
      'max_position_embeddings',
      this.maxPositionEmbeddings,
      1,
      limits.maxPositionEmbeddings,
    );
    checkIntegerRange(source, 'n_layers', this.nLayers, 1, limits.maxLayers);
    checkIntegerRange(source, 'n_heads', this.nHeads, 1, limits.maxHiddenSize);
    checkIntegerRange(source, 'dim', this.dim, 1, limits.maxHiddenSize);
    checkIntegerRange(source, 'hidden_dim', this.hiddenDim, 1, limits.maxIntermediateSize);
    checkProbability(source, 'dropout', this.dropout);
    checkProbability(source, 'attention_dropout', this.attentionDropout);
    checkProbability(source, 'qa_dropout', this.qaDropout);
    checkProbability(source, 'seq_classif_dropout', this.seqClassifDropout);
    checkFloatRange(source, 'initializer_range', this.initializerRange, 0, 1000);
    if (this.dim % this.nHeads !== 0) {
      throw new ConfigError(
        `${source}: self.n_heads: ${this.nHeads} must divide self.dim: ${this.dim} evenly`,
      );
    }
    try {
      activation(this.activation);
    } catch (error) {
      throw new ConfigError(`${source}: "activation": ${(error as Error).message}`);
    }
    this.validateCommon(source, this.vocabSize);
    // The largest head (sequence classification) adds pre_classifier and classifier.
    const weights =
      countParameters(distilBertEncoderShapes(this, '')) +
      this.dim * (this.dim + 1) +
      this.numLabels * (this.dim + 1);
    checkParameterCount(
      source,
      weights,
      `vocab_size ${this.vocabSize}, dim ${this.dim}, n_layers ${this.nLayers}, hidden_dim ${this.hiddenDim}, ` +
        `max_position_embeddings ${this.maxPositionEmbeddings}`,
    );
  }
}
