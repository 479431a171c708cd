/** `DistilBertConfig`: the fields of transformers' DistilBertConfig, read from and written to config.json. */
import type { FieldSpec } from '../config-fields.js';
import { ConfigError } from '../errors.js';
import { countParameters, distilBertEncoderShapes } from '../parameter-shapes.js';
import { PretrainedConfig, type PretrainedConfigOptions } from '../pretrained-config.js';

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
  /** BERT's name of `dim` (Python's attribute_map), so one options object fits both families. */
  hiddenSize?: number;
  /** BERT's name of `nHeads` (Python's attribute_map). */
  numAttentionHeads?: number;
  /** BERT's name of `nLayers` (Python's attribute_map). */
  numHiddenLayers?: number;
}

/** Python's `DistilBertConfig.attribute_map`, in camelCase: BERT's names of DistilBERT's fields. */
const ATTRIBUTE_MAP = { hiddenSize: 'dim', numAttentionHeads: 'nHeads', numHiddenLayers: 'nLayers' } as const;

/**
 * `options` with BERT's names moved to DistilBERT's, as Python's `__setattr__` maps them; both
 * names of one field with different values is a ConfigError (Python would keep the BERT one).
 */
function mapAttributes(options: DistilBertConfigOptions): DistilBertConfigOptions {
  if (options === null || typeof options !== 'object') return options;
  let mapped: Record<string, unknown> | undefined;
  for (const [alias, field] of Object.entries(ATTRIBUTE_MAP)) {
    const value = (options as Record<string, unknown>)[alias];
    if (value === undefined) continue;
    const own = (options as Record<string, unknown>)[field];
    if (own !== undefined && own !== value) {
      throw new ConfigError(
        `DistilBertConfig: ${alias} (${String(value)}) and ${field} (${String(own)}) are one field; give one of them`,
      );
    }
    mapped ??= { ...options };
    delete mapped[alias];
    mapped[field] = value;
  }
  return (mapped ?? options) as DistilBertConfigOptions;
}

const DISTILBERT_FIELDS: readonly FieldSpec[] = [
  { json: 'vocab_size', prop: 'vocabSize', kind: 'int', check: { size: 'maxVocabSize' } },
  {
    json: 'max_position_embeddings',
    prop: 'maxPositionEmbeddings',
    kind: 'int',
    check: { size: 'maxPositionEmbeddings' },
  },
  { json: 'sinusoidal_pos_embds', prop: 'sinusoidalPosEmbds', kind: 'bool' },
  { json: 'n_layers', prop: 'nLayers', kind: 'int', check: { size: 'maxLayers' } },
  { json: 'n_heads', prop: 'nHeads', kind: 'int', check: { size: 'maxHiddenSize' } },
  { json: 'dim', prop: 'dim', kind: 'int', check: { size: 'maxHiddenSize' } },
  { json: 'hidden_dim', prop: 'hiddenDim', kind: 'int', check: { size: 'maxIntermediateSize' } },
  { json: 'dropout', prop: 'dropout', kind: 'float', check: 'probability' },
  { json: 'attention_dropout', prop: 'attentionDropout', kind: 'float', check: 'probability' },
  { json: 'activation', prop: 'activation', kind: 'string', check: 'activation' },
  { json: 'initializer_range', prop: 'initializerRange', kind: 'float', check: { min: 0, max: 1000 } },
  { json: 'qa_dropout', prop: 'qaDropout', kind: 'float', check: 'probability' },
  { json: 'seq_classif_dropout', prop: 'seqClassifDropout', kind: 'float', check: 'probability' },
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
    this.applyOptions(mapAttributes(options));
  }

  /** @internal */
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

  protected validateModel(source: string): void {
    // Python asserts it at model init.
    if (this.dim % this.nHeads !== 0) {
      throw new ConfigError(
        `${source}: self.n_heads: ${this.nHeads} must divide self.dim: ${this.dim} evenly`,
      );
    }
  }

  protected parameterCount(): { count: number; drivers: readonly string[] } {
    // The largest head (sequence classification) adds pre_classifier and classifier.
    const count =
      countParameters(distilBertEncoderShapes(this, '')) +
      this.dim * (this.dim + 1) +
      this.numLabels * (this.dim + 1);
    return { count, drivers: ['vocab_size', 'dim', 'n_layers', 'hidden_dim', 'max_position_embeddings'] };
  }
}
