/** `BertConfig`: the fields of transformers' BertConfig, read from and written to config.json. */
import { ConfigError } from './errors.js';
import { type FieldSpec, PretrainedConfig, type PretrainedConfigOptions } from './pretrained-config.js';

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
    this.applyCommon(options);
    const self = this as unknown as Record<string, unknown>;
    for (const spec of BERT_FIELDS) {
      const value = (options as Record<string, unknown>)[spec.prop];
      if (value !== undefined) self[spec.prop] = value;
    }
  }

  protected fieldSpecs(): readonly FieldSpec[] {
    return BERT_FIELDS;
  }

  /** Builds a config from a parsed config.json object; `source` names the file in errors. */
  static fromDict(raw: Record<string, unknown>, source = 'config.json'): BertConfig {
    const config = new BertConfig();
    const common = config.readCommon(source, raw);
    const fields = config.readFields(source, raw);
    config.applyCommon(common);
    Object.assign(config, fields);
    return config;
  }

  /** Throws when the architecture cannot be built (Python raises the same at model init). */
  validate(): void {
    if (this.hiddenSize % this.numAttentionHeads !== 0) {
      throw new ConfigError(
        `The hidden size (${this.hiddenSize}) is not a multiple of the number of attention heads (${this.numAttentionHeads})`,
      );
    }
    if (this.positionEmbeddingType !== 'absolute') {
      throw new ConfigError(
        `position_embedding_type "${this.positionEmbeddingType}" is not supported; only "absolute" is implemented.`,
      );
    }
  }
}
