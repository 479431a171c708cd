/** `BertConfig`: the fields of transformers' BertConfig, read from and written to config.json. */
import {
  CONFIG_LIMITS,
  checkFloatRange,
  checkIntegerRange,
  checkParameterCount,
  checkProbability,
} from '../config-limits.js';
import { ConfigError } from '../errors.js';
import { activation } from '../nn.js';
import { bertEncoderShapes, countParameters } from '../parameter-shapes.js';
import { type FieldSpec, PretrainedConfig, type PretrainedConfigOptions } from '../pretrained-config.js';

/** camelCase twins of BertConfig's Python kwargs; defaults are Python's (bert-base). */
export interface BertConfigOptions extends PretrainedConfigOptions {
  vocabSize?: number;
  hiddenSize?: number;
  numHiddenLayers?: number;
  numAttentionHeads?: number;
  intermediateSize?: number;
  hiddenAct?: string;
  hiddenDropoutProb?: number;
  attentionProbsDropoutProb?: number;
  maxPositionEmbeddings?: number;
  typeVocabSize?: number;
  initializerRange?: number;
  layerNormEps?: number;
  positionEmbeddingType?: string;
  useCache?: boolean;
  /** Dropout before the classification heads; `null` means `hidden_dropout_prob`. */
  classifierDropout?: number | null;
}

const BERT_FIELDS: readonly FieldSpec[] = [
  { json: 'vocab_size', prop: 'vocabSize', kind: 'int', default: 30522 },
  { json: 'hidden_size', prop: 'hiddenSize', kind: 'int', default: 768 },
  { json: 'num_hidden_layers', prop: 'numHiddenLayers', kind: 'int', default: 12 },
  { json: 'num_attention_heads', prop: 'numAttentionHeads', kind: 'int', default: 12 },
  { json: 'intermediate_size', prop: 'intermediateSize', kind: 'int', default: 3072 },
  { json: 'hidden_act', prop: 'hiddenAct', kind: 'string', default: 'gelu' },
  { json: 'hidden_dropout_prob', prop: 'hiddenDropoutProb', kind: 'float', default: 0.1 },
  { json: 'attention_probs_dropout_prob', prop: 'attentionProbsDropoutProb', kind: 'float', default: 0.1 },
  { json: 'max_position_embeddings', prop: 'maxPositionEmbeddings', kind: 'int', default: 512 },
  { json: 'type_vocab_size', prop: 'typeVocabSize', kind: 'int', default: 2 },
  { json: 'initializer_range', prop: 'initializerRange', kind: 'float', default: 0.02 },
  { json: 'layer_norm_eps', prop: 'layerNormEps', kind: 'float', default: 1e-12 },
  { json: 'position_embedding_type', prop: 'positionEmbeddingType', kind: 'string', default: 'absolute' },
  { json: 'use_cache', prop: 'useCache', kind: 'bool', default: true },
  { json: 'classifier_dropout', prop: 'classifierDropout', kind: 'float-or-null', default: null },
];

/**
 * transformers' `BertConfig`: sizes, dropouts and labels of a BERT model, read from and written to
 * `config.json` with Python's keys (camelCase properties here). Bounded by `CONFIG_LIMITS` when read.
 */
export class BertConfig extends PretrainedConfig {
  readonly modelType = 'bert';
  vocabSize = 30522;
  hiddenSize = 768;
  numHiddenLayers = 12;
  numAttentionHeads = 12;
  intermediateSize = 3072;
  hiddenAct = 'gelu';
  hiddenDropoutProb = 0.1;
  attentionProbsDropoutProb = 0.1;
  maxPositionEmbeddings = 512;
  typeVocabSize = 2;
  initializerRange = 0.02;
  layerNormEps = 1e-12;
  positionEmbeddingType = 'absolute';
  useCache = true;
  classifierDropout: number | null = null;

  constructor(options: BertConfigOptions = {}) {
    super();
    this.applyOptions(options);
  }

  protected fieldSpecs(): readonly FieldSpec[] {
    return BERT_FIELDS;
  }

  /**
   * Checks every field before a model is built from this config (Python
   * raises `ValueError` for some of these at model init; we check all of them
   * up front): sizes are integers within `CONFIG_LIMITS`, dropout
   * probabilities lie in [0, 1), `layer_norm_eps` is positive, the hidden size
   * divides into the heads, the labels are consistent, `pad_token_id` is in
   * the vocabulary, and the whole model stays under
   * `CONFIG_LIMITS.maxParameters` weights. `fromDict` calls it with the file
   * path; the encoders call it again before allocating anything.
   * @param source names the file (or "config") in error messages
   * @throws ConfigError naming the file and field
   */
  validate(source = 'config'): void {
    const limits = CONFIG_LIMITS;
    checkIntegerRange(source, 'vocab_size', this.vocabSize, 1, limits.maxVocabSize);
    checkIntegerRange(source, 'hidden_size', this.hiddenSize, 1, limits.maxHiddenSize);
    checkIntegerRange(source, 'num_hidden_layers', this.numHiddenLayers, 1, limits.maxLayers);
    checkIntegerRange(source, 'num_attention_heads', this.numAttentionHeads, 1, limits.maxHiddenSize);
    checkIntegerRange(source, 'intermediate_size', this.intermediateSize, 1, limits.maxIntermediateSize);
    checkIntegerRange(
      source,
      'max_position_embeddings',
      this.maxPositionEmbeddings,
      1,
      limits.maxPositionEmbeddings,
    );
    checkIntegerRange(source, 'type_vocab_size', this.typeVocabSize, 1, limits.maxTypeVocabSize);
    checkProbability(source, 'hidden_dropout_prob', this.hiddenDropoutProb);
    checkProbability(source, 'attention_probs_dropout_prob', this.attentionProbsDropoutProb);
    if (this.classifierDropout !== null)
      checkProbability(source, 'classifier_dropout', this.classifierDropout);
    checkFloatRange(source, 'initializer_range', this.initializerRange, 0, 1000);
    // LayerNorm divides by sqrt(var + eps): eps <= 0 gives NaN or Infinity on constant rows.
    checkFloatRange(source, 'layer_norm_eps', this.layerNormEps, 0, 1, true);
    if (this.hiddenSize % this.numAttentionHeads !== 0) {
      throw new ConfigError(
        `${source}: The hidden size (${this.hiddenSize}) is not a multiple of the number of attention heads (${this.numAttentionHeads})`,
      );
    }
    if (this.positionEmbeddingType !== 'absolute') {
      throw new ConfigError(
        `${source}: position_embedding_type "${this.positionEmbeddingType}" is not supported; only "absolute" is implemented.`,
      );
    }
    try {
      activation(this.hiddenAct);
    } catch (error) {
      throw new ConfigError(`${source}: "hidden_act": ${(error as Error).message}`);
    }
    this.validateCommon(source, this.vocabSize);
    // The largest head adds a classifier to the encoder with its pooler.
    const weights =
      countParameters(bertEncoderShapes(this, '', true)) + this.numLabels * (this.hiddenSize + 1);
    checkParameterCount(
      source,
      weights,
      `vocab_size ${this.vocabSize}, hidden_size ${this.hiddenSize}, num_hidden_layers ${this.numHiddenLayers}, ` +
        `intermediate_size ${this.intermediateSize}, max_position_embeddings ${this.maxPositionEmbeddings}`,
    );
  }
}
