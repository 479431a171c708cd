import { HostTensor } from '@ner/collate';
import type * as tf from '@tensorflow/tfjs-core';

/** A tfjs tensor as a HostTensor (float32 or int32). */
export function toHostTensor(t: tf.Tensor | HostTensor): HostTensor {
  if (t instanceof HostTensor) return t;
  return t.dtype === 'float32'
    ? new HostTensor(t.dataSync() as Float32Array, [...t.shape], 'float32')
    : new HostTensor(Int32Array.from(t.dataSync()), [...t.shape], 'int32');
}
