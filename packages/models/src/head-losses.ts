/**
 * The loss rules of transformers' classification heads, including how a
 * sequence head picks its `problem_type` from `num_labels` and label dtype.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from './errors.js';
import { binaryCrossEntropyWithLogits, crossEntropyIgnoringIndex, meanSquaredError } from './losses.js';
import { checkClassLabels } from './model-io.js';
import type { PretrainedConfig } from './pretrained-config.js';

/** Token classification: `CrossEntropyLoss()(logits.view(-1, C), labels.view(-1))`. */
export function tokenClassificationLoss(logits: tf.Tensor, labels: tf.Tensor, numLabels: number): tf.Scalar {
  const [batch, length] = logits.shape as [number, number, number];
  if (labels.rank !== 2 || labels.shape[0] !== batch || labels.shape[1] !== length) {
    throw new InputError(
      `labels has shape [${labels.shape.join(', ')}]; token classification expects [${batch}, ${length}].`,
    );
  }
  checkClassLabels(labels, numLabels);
  return crossEntropyIgnoringIndex(logits, labels);
}

/**
 * Sequence classification, as `BertForSequenceClassification.forward`: when
 * `problem_type` is unset it becomes "regression" for one label,
 * "single_label_classification" for integer labels, else
 * "multi_label_classification", and is stored on the config (Python does the
 * same, so a later save writes it).
 */
export function sequenceClassificationLoss(
  config: PretrainedConfig,
  logits: tf.Tensor,
  labels: tf.Tensor,
): tf.Scalar {
  const numLabels = config.numLabels;
  if (config.problemType === null) {
    if (numLabels === 1) config.problemType = 'regression';
    else if (labels.dtype === 'int32') config.problemType = 'single_label_classification';
    else config.problemType = 'multi_label_classification';
  }
  const batch = logits.shape[0]!;
  switch (config.problemType) {
    case 'regression': {
      if (labels.size !== logits.size) {
        throw new InputError(
          `labels has shape [${labels.shape.join(', ')}]; regression with ${numLabels} label(s) expects ${logits.size} values.`,
        );
      }
      // Python squeezes both sides when num_labels == 1.
      return numLabels === 1
        ? meanSquaredError(tf.reshape(logits, [-1]), tf.reshape(labels, [-1]))
        : meanSquaredError(logits, tf.reshape(labels, logits.shape));
    }
    case 'single_label_classification': {
      if (labels.size !== batch) {
        throw new InputError(
          `labels has shape [${labels.shape.join(', ')}]; single-label classification expects [${batch}].`,
        );
      }
      const ids = tf.cast(tf.reshape(labels, [-1]), 'int32');
      checkClassLabels(ids, numLabels);
      return crossEntropyIgnoringIndex(logits, ids);
    }
    case 'multi_label_classification': {
      if (labels.rank !== 2 || labels.shape[0] !== batch || labels.shape[1] !== numLabels) {
        throw new InputError(
          `labels has shape [${labels.shape.join(', ')}]; multi-label classification expects [${batch}, ${numLabels}] of 0/1 floats.`,
        );
      }
      return binaryCrossEntropyWithLogits(logits, labels);
    }
  }
}
