/** `BertConfig`: the fields of transformers' BertConfig, read from and written to config.json. */
import type { FieldSpec } from '../config-fields.js';
import { describeValue } from '../describe-value.js';
import { ConfigError } from '../errors.js';
import { bertEncoderShapes, countParameters } from '../parameter-shapes.js';
import { PretrainedConfig, type PretrainedConfigOptions } from '../pretrained-config.js';

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
  { json: 'vocab_size', prop: 'vocabSize', kind: 'int', check: { size: 'maxVocabSize' } },
  { json: 'hidden_size', prop: 'hiddenSize', kind: 'int', check: { size: 'maxHiddenSize' } },
  { json: 'num_hidden_layers', prop: 'numHiddenLayers', kind: 'int', check: { size: 'maxLayers' } },
  { json: 'num_attention_heads', prop: 'numAttentionHeads', kind: 'int', check: { size: 'maxHiddenSize' } },
  {
    json: 'intermediate_size',
    prop: 'intermediateSize',
    kind: 'int',
    check: { size: 'maxIntermediateSize' },
  },
  { json: 'hidden_act', prop: 'hiddenAct', kind: 'string', check: 'activation' },
  { json: 'hidden_dropout_prob', prop: 'hiddenDropoutProb', kind: 'float', check: 'probability' },
  {
    json: 'attention_probs_dropout_prob',
    prop: 'attentionProbsDropoutProb',
    kind: 'float',
    check: 'probability',
  },
  {
    json: 'max_position_embeddings',
    prop: 'maxPositionEmbeddings',
    kind: 'int',
    check: { size: 'maxPositionEmbeddings' },
  },
  { json: 'type_vocab_size', prop: 'typeVocabSize', kind: 'int', check: { size: 'maxTypeVocabSize' } },
  { json: 'initializer_range', prop: 'initializerRange', kind: 'float', check: { min: 0, max: 1000 } },
  // LayerNorm divides by sqrt(var + eps): eps <= 0 gives NaN or Infinity on constant rows.
  {
    json: 'layer_norm_eps',
    prop: 'layerNormEps',
    kind: 'float',
    check: { min: 0, max: 1, exclusiveMin: true },
  },
  { json: 'position_embedding_type', prop: 'positionEmbeddingType', kind: 'string' },
  { json: 'use_cache', prop: 'useCache', kind: 'bool' },
  { json: 'classifier_dropout', prop: 'classifierDropout', kind: 'float-or-null', check: 'probability' },
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

  /** @internal */
  protected fieldSpecs(): readonly FieldSpec[] {
    return BERT_FIELDS;
  }

  protected validateModel(source: string): void {
    if (this.hiddenSize % this.numAttentionHeads !== 0) {
      throw new ConfigError(
        `${source}: The hidden size (${this.hiddenSize}) is not a multiple of the number of attention heads (${this.numAttentionHeads})`,
      );
    }
    if (this.positionEmbeddingType !== 'absolute') {
      throw new ConfigError(
        `${source}: position_embedding_type ${describeValue(this.positionEmbeddingType)} is not supported; only "absolute" is implemented.`,
      );
    }
  }

  protected parameterCount(): { count: number; drivers: readonly string[] } {
    // The largest head adds a classifier to the encoder with its pooler.
    const count = countParameters(bertEncoderShapes(this, '', true)) + this.numLabels * (this.hiddenSize + 1);
    const drivers = [
      'vocab_size',
      'hidden_size',
      'num_hidden_layers',
      'intermediate_size',
      'max_position_embeddings',
    ];
    return { count, drivers };
  }
}
