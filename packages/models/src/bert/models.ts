/** The BERT model classes; the implementation is shared with DistilBERT (see `BERT_FAMILY`). */
import { BaseEncoderModel, type BaseModelOptions } from '../base-model.js';
import { SequenceClassificationHeadModel, TokenClassificationHeadModel } from '../classification-heads.js';
import type { BertConfig } from './config.js';
import { BERT_FAMILY } from './family.js';

/** Options of `BertModel`: `addPoolingLayer` (Python's `add_pooling_layer`, default true). */
export type BertModelOptions = BaseModelOptions;

/**
 * transformers' `BertModel`: the bare BERT encoder (embeddings, encoder, pooler) with weights at
 * the root of the state dict (`embeddings.…`, `encoder.layer.N.…`, `pooler.dense.…`).
 * `forward(batch).lastHiddenState[:, 0]` are the "[CLS] features".
 */
export class BertModel extends BaseEncoderModel<BertConfig> {
  static readonly className = 'BertModel';
  /** @internal The family's layers and head details (`ModelFamily`, from `@ner/models/internal`). */
  static readonly family = BERT_FAMILY;
}

/**
 * transformers' `BertForTokenClassification`: BERT without pooler (`bert.…`), dropout and
 * `classifier` per token; logits `[B, T, num_labels]`, cross-entropy over labels that are not -100.
 */
export class BertForTokenClassification extends TokenClassificationHeadModel<BertConfig> {
  static readonly className = 'BertForTokenClassification';
  /** @internal The family's layers and head details (`ModelFamily`, from `@ner/models/internal`). */
  static readonly family = BERT_FAMILY;
}

/**
 * transformers' `BertForSequenceClassification`: BERT with pooler (`bert.…`), dropout and
 * `classifier` on the pooled [CLS]; logits `[B, num_labels]`, loss by `problem_type`.
 */
export class BertForSequenceClassification extends SequenceClassificationHeadModel<BertConfig> {
  static readonly className = 'BertForSequenceClassification';
  /** @internal The family's layers and head details (`ModelFamily`, from `@ner/models/internal`). */
  static readonly family = BERT_FAMILY;
}
