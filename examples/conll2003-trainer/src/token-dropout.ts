// Token dropout for a model trained from scratch: during training, each word piece is replaced by
// [UNK] with probability `rate` (never [CLS], [SEP] or padding). Why: a from-scratch model meets
// most validation names for the first time; with some pieces hidden in training it must also
// learn to tag from the context ("said", "in", "Mr"), as Lample et al. (2016) do by replacing
// rare words with an unknown-word embedding. Evaluation and prediction see the text unchanged.
//
// It is a `Trainer` subclass overriding `computeLoss`, as Python users subclass `Trainer`.
import type { Tokenizer } from '@ner/align';
import { Trainer, type TrainerOptions } from '@ner/trainer';
import * as tf from '@tensorflow/tfjs-core';

/** A Trainer whose training batches have `rate` of their word pieces replaced by [UNK]. */
export class TokenDropoutTrainer<Row = unknown> extends Trainer<Row> {
  private readonly unkId: number;
  private readonly keepIds: tf.Tensor1D;
  private seed = 0;
  // The replaced ids of the last training batch: the embedding's gradient reads them after
  // computeLoss returns, so they are freed one batch later.
  private lastIds: tf.Tensor | undefined;

  constructor(
    options: TrainerOptions<Row>,
    tokenizer: Tokenizer,
    private readonly rate: number,
  ) {
    super(options);
    this.unkId = tokenizer.unkTokenId;
    const special = [tokenizer.padTokenId, tokenizer.clsTokenId, tokenizer.sepTokenId, tokenizer.unkTokenId];
    this.keepIds = tf.keep(tf.tensor1d(special, 'int32'));
  }

  protected override computeLoss(
    ...args: Parameters<Trainer['computeLoss']>
  ): ReturnType<Trainer['computeLoss']> {
    const [model, inputs, returnOutputs] = args;
    if (!this.modelTraining || this.rate <= 0) return super.computeLoss(model, inputs, returnOutputs);
    const ids = inputs.input_ids as tf.Tensor;
    const hidden = tf.tidy(() => {
      const special = tf.any(tf.equal(tf.expandDims(ids, -1), this.keepIds), -1);
      const drop = tf.logicalAnd(
        tf.less(tf.randomUniform(ids.shape, 0, 1, 'float32', this.seed++), this.rate),
        tf.logicalNot(special),
      );
      return tf.where(drop, tf.fill(ids.shape, this.unkId, 'int32'), ids);
    });
    this.lastIds?.dispose();
    this.lastIds = hidden;
    return super.computeLoss(model, { ...inputs, input_ids: hidden }, returnOutputs);
  }
}
