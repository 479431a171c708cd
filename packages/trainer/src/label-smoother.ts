/**
 * transformers' `LabelSmoother` (trainer_pt_utils), the loss the Trainer
 * computes when `labelSmoothingFactor` is not 0: cross-entropy against labels
 * smoothed towards the uniform distribution, averaged over the positions
 * whose label is not -100.
 *
 *     nll      = Σ_active -log p[label]              / active
 *     smoothed = Σ_active Σ_classes -log p[class]    / (active · classes)
 *     loss     = (1 - ε) · nll + ε · smoothed
 *
 * `active` is the number of labels that are not -100; with none, the loss is
 * 0/0 = NaN, as in Python (the Trainer then stops with NonFiniteLossError).
 */
import * as tf from '@tensorflow/tfjs-core';
import { TrainerError } from './errors.js';

/** The index Python's loss functions skip (`ignore_index`). */
export const IGNORE_INDEX = -100;

/**
 * The label-smoothed loss of `logits` (`[..., classes]`) for integer `labels`
 * (`[...]`, the logits' shape without the class axis), as a scalar.
 * @param epsilon the smoothing factor, in [0, 1]
 */
export function labelSmoothedLoss(logits: tf.Tensor, labels: tf.Tensor, epsilon: number): tf.Scalar {
  if (labels.dtype !== 'int32') {
    throw new TrainerError(
      `labelSmoothingFactor needs integer class labels; got ${labels.dtype} labels (a regression head has no classes to smooth over).`,
    );
  }
  const classes = logits.shape[logits.rank - 1]!;
  const expected = logits.shape.slice(0, -1);
  if (labels.rank !== expected.length || labels.shape.some((size, i) => size !== expected[i])) {
    throw new TrainerError(
      `labelSmoothingFactor: labels of shape [${labels.shape}] do not match logits of shape [${logits.shape}] (expected [${expected}]).`,
    );
  }
  // As Python's gather, a label outside [0, classes) that is not -100 is an error, not a zero row.
  const values = labels.dataSync();
  const bad = values.findIndex((label) => label !== IGNORE_INDEX && (label < 0 || label >= classes));
  if (bad >= 0) {
    throw new TrainerError(
      `labelSmoothingFactor: label ${values[bad]} at flat position ${bad} is outside [0, ${classes}) and is not ${IGNORE_INDEX}.`,
    );
  }
  return tf.tidy(() => {
    const negLogProbs = tf.neg(tf.logSoftmax(tf.cast(logits, 'float32')));
    const active = tf.cast(tf.notEqual(labels, tf.scalar(IGNORE_INDEX, 'int32')), 'float32');
    // Python clamps -100 to 0 before gathering; those positions are masked out below.
    const picked = tf.sum(
      tf.mul(negLogProbs, tf.oneHot(tf.maximum(labels, tf.scalar(0, 'int32')), classes)),
      -1,
    );
    const summed = tf.sum(negLogProbs, -1);
    const count = tf.sum(active);
    const nll = tf.div(tf.sum(tf.mul(picked, active)), count);
    const smoothed = tf.div(tf.sum(tf.mul(summed, active)), tf.mul(count, classes));
    return tf.add(tf.mul(nll, 1 - epsilon), tf.mul(smoothed, epsilon)) as tf.Scalar;
  });
}
