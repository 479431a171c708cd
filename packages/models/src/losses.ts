/**
 * The losses transformers' heads compute, with PyTorch's reductions.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Label id PyTorch's `CrossEntropyLoss` skips (`ignore_index`). */
export const IGNORE_INDEX = -100;

/**
 * `nn.CrossEntropyLoss()(logits, labels)` with `ignore_index=-100` and mean
 * reduction: the mean over positions whose label is not -100.
 *
 * When every label is -100 PyTorch returns NaN (0/0) with zero gradients; we
 * return 0 with zero gradients instead, so an all-padding batch cannot turn a
 * running loss into NaN. This is the one deliberate difference from Python.
 *
 * @param logits `[N, C]`
 * @param labels `[N]` int32, values in `[0, C)` or -100
 */
export function crossEntropyIgnoringIndex(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const classes = logits.shape[logits.shape.length - 1]!;
  const flatLogits = tf.reshape(logits, [-1, classes]);
  const flatLabels = tf.cast(tf.reshape(labels, [-1]), 'int32');
  const valid = tf.notEqual(flatLabels, IGNORE_INDEX);
  const safeLabels = tf.where(valid, flatLabels, tf.zerosLike(flatLabels));
  const logProbs = tf.logSoftmax(flatLogits);
  const nll = tf.neg(tf.sum(tf.mul(logProbs, tf.oneHot(safeLabels, classes)), -1));
  const weights = tf.cast(valid, 'float32');
  const total = tf.sum(tf.mul(nll, weights));
  // max(count, 1): an all-ignored batch gives 0 / 1 = 0 and zero gradients (divNoNan would give NaN gradients).
  return tf.div(total, tf.maximum(tf.sum(weights), 1));
}

/** `nn.MSELoss()(input, target)`: mean squared error over all elements. */
export function meanSquaredError(input: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.mean(tf.square(tf.sub(input, tf.cast(target, 'float32'))));
}

/**
 * `nn.BCEWithLogitsLoss()(logits, targets)`: mean of
 * `max(x, 0) - x * y + log(1 + exp(-|x|))`, the stable form PyTorch uses,
 * with PyTorch's analytic gradient `(sigmoid(x) - y) / N` (differentiating the
 * stable form would give a wrong subgradient at exactly x = 0).
 */
export function binaryCrossEntropyWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  // The targets are an input of the op (with a zero gradient) so that the gradient reads its saved
  // copy: a closure over them would read a tensor that the forward pass's scope has freed when
  // they were made in it (labels given as arrays to computeGradients).
  const bce = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, y, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const value = tf.mean(tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x))))));
    // Saved last: a save is kept, so one made before a kernel that throws (out of memory) would leak.
    save([x, y]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const upstream = Array.isArray(dy) ? dy[0]! : dy;
        const [input, target] = saved as [tf.Tensor, tf.Tensor];
        return [
          tf.mul(tf.div(tf.sub(tf.sigmoid(input), target), input.size), upstream),
          tf.zerosLike(target),
        ];
      },
    };
  });
  return bce(logits, tf.cast(targets, 'float32')) as tf.Scalar;
}
