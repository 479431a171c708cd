/** Assembles a head's output object from the encoder result and the options. */
import type * as tf from '@tensorflow/tfjs-core';
import type { EncoderResult } from './bert-encoder.js';
import type { ForwardOptions, ModelOutput } from './model-io.js';
import type { PretrainedConfig } from './pretrained-config.js';

export function headOutput(
  config: PretrainedConfig,
  result: EncoderResult,
  logits: tf.Tensor,
  loss: tf.Scalar | null,
  options: ForwardOptions,
): ModelOutput {
  const output: {
    logits: tf.Tensor;
    loss?: tf.Scalar;
    hiddenStates?: tf.Tensor3D[];
    attentions?: tf.Tensor4D[];
  } = { logits };
  if (loss) output.loss = loss;
  if (options.outputHiddenStates ?? config.outputHiddenStates) output.hiddenStates = result.hiddenStates;
  if (options.outputAttentions ?? config.outputAttentions) output.attentions = result.attentions;
  return output;
}
