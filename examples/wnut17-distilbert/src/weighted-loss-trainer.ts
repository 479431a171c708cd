// A Trainer whose loss weighs each label class, as the transformers docs' `compute_loss`
// override with `nn.CrossEntropyLoss(weight=class_weights)` (ignore_index -100).
import {
  type ComputeLossResult,
  type PreparedInputs,
  type TrainableModel,
  Trainer,
  type TrainerOptions,
} from '@ner/trainer';
import * as tf from '@tensorflow/tfjs-core';

/** `Trainer` with a class-weighted token cross-entropy (torch's weighted mean over non -100 labels). */
export class WeightedLossTrainer<Row> extends Trainer<Row> {
  private readonly classWeights: tf.Tensor1D;

  constructor(options: TrainerOptions<Row>, classWeights: readonly number[]) {
    super(options);
    // Kept for the whole run (not inside any tidy), freed by dispose().
    this.classWeights = tf.keep(tf.tensor1d([...classWeights], 'float32'));
  }

  protected override computeLoss(
    model: TrainableModel,
    inputs: PreparedInputs,
    returnOutputs = false,
  ): ComputeLossResult {
    const outputs = model.forward(inputs, { training: this.modelTraining });
    if (inputs.labels === undefined) throw new Error('WeightedLossTrainer: the batch has no labels');
    const numLabels = outputs.logits.shape[outputs.logits.rank - 1]!;
    if (numLabels !== this.classWeights.shape[0])
      throw new Error(
        `WeightedLossTrainer: ${this.classWeights.shape[0]} class weights for a model with ${numLabels} labels`,
      );
    const logits = tf.reshape(outputs.logits, [-1, numLabels]);
    const labels = tf.cast(tf.reshape(inputs.labels, [-1]), 'int32');
    const valid = tf.notEqual(labels, -100);
    const safeLabels = tf.where(valid, labels, tf.zerosLike(labels));
    const weights = tf.mul(tf.gather(this.classWeights, safeLabels), tf.cast(valid, 'float32'));
    const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(safeLabels, numLabels)), -1));
    // Weighted mean; the max() keeps a batch without any labelled token at loss 0, not NaN.
    const loss = tf.div(tf.sum(tf.mul(nll, weights)), tf.maximum(tf.sum(weights), 1e-12)) as tf.Scalar;
    return returnOutputs ? [loss, outputs] : loss;
  }

  /** Frees the optimizer state and the class-weight tensor (the model stays usable). */
  override dispose(): void {
    super.dispose();
    this.classWeights.dispose();
  }
}
