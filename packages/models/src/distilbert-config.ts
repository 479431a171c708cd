/** `DistilBertConfig`: the fields of transformers' DistilBertConfig, read from and written to config.json. */
import { ConfigError } from './errors.js';
import { type FieldSpec, PretrainedConfig, type PretrainedConfigOptions } from './pretrained-config.js';

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
    this.applyCommon(options);
    const self = this as unknown as Record<string, unknown>;
    for (const spec of DISTILBERT_FIELDS) {
      const value = (options as Record<string, unknown>)[spec.prop];
      if (value !== undefined) self[spec.prop] = value;
    }
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

  /** Builds a config from a parsed config.json object; `source` names the file in errors. */
  static fromDict(raw: Record<string, unknown>, source = 'config.json'): DistilBertConfig {
    const config = new DistilBertConfig();
    const common = config.readCommon(source, raw);
    const fields = config.readFields(source, raw);
    config.applyCommon(common);
    Object.assign(config, fields);
    return config;
  }

  /** Throws when the architecture cannot be built (Python asserts the same at model init). */
  validate(): void {
    if (this.dim % this.nHeads !== 0) {
      throw new ConfigError(`self.n_heads: ${this.nHeads} must divide self.dim: ${this.dim} evenly`);
    }
  }
}
