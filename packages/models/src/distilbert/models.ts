/** The DistilBERT model classes; the implementation is shared with BERT (see `DISTILBERT_FAMILY`). */
import { BaseEncoderModel } from '../base-model.js';
import { SequenceClassificationHeadModel, TokenClassificationHeadModel } from '../classification-heads.js';
import type { DistilBertConfig } from './config.js';
import { DISTILBERT_FAMILY } from './family.js';

/**
 * transformers' `DistilBertModel`: the bare DistilBERT encoder (embeddings, transformer) with
 * weights at the root of the state dict; `token_type_ids` are ignored (no segment embeddings).
 */
export class DistilBertModel extends BaseEncoderModel<DistilBertConfig> {
  static readonly className = 'DistilBertModel';
  /** @internal The family's layers and head details (`ModelFamily`, from `@ner/models/internal`). */
  static readonly family = DISTILBERT_FAMILY;
}

/**
 * transformers' `DistilBertForTokenClassification`: DistilBERT (`distilbert.…`), dropout
 * (`config.dropout`) and `classifier` per token; logits `[B, T, num_labels]`.
 */
export class DistilBertForTokenClassification extends TokenClassificationHeadModel<DistilBertConfig> {
  static readonly className = 'DistilBertForTokenClassification';
  /** @internal The family's layers and head details (`ModelFamily`, from `@ner/models/internal`). */
  static readonly family = DISTILBERT_FAMILY;
}

/**
 * transformers' `DistilBertForSequenceClassification`: DistilBERT, then on the first token
 * `pre_classifier` + ReLU + dropout (`seq_classif_dropout`) + `classifier`; logits `[B, num_labels]`.
 */
export class DistilBertForSequenceClassification extends SequenceClassificationHeadModel<DistilBertConfig> {
  static readonly className = 'DistilBertForSequenceClassification';
  /** @internal The family's layers and head details (`ModelFamily`, from `@ner/models/internal`). */
  static readonly family = DISTILBERT_FAMILY;
}
