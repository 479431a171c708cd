/** `Softmax` over the last axis (the only axis tfjs supports), max-subtracted, sums in double. */
import * as tf from '@tensorflow/tfjs-core';
import { requireAddon } from '../addon.js';
import { type KernelArgs, fallback, float32Of, outputArray } from './util.js';

export function softmaxKernel(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { logits } = args.inputs as { logits: tf.TensorInfo };
  const { dim } = (args.attrs ?? {}) as { dim?: number };
  const values = float32Of(args.backend, logits);
  const rank = logits.shape.length;
  const lastAxis = dim === undefined || dim === -1 || dim === rank - 1;
  if (!values || rank === 0 || !lastAxis || values.length === 0) return fallback(tf.Softmax, args);
  const out = outputArray(values.length);
  requireAddon().softmax(values, out, logits.shape[rank - 1]!);
  return args.backend.makeTensorInfo([...logits.shape], 'float32', out);
}
