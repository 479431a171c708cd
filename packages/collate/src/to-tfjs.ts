import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import type { HostTensor } from './host-tensor.js';

/** A batch of tfjs tensors under the same (Hugging Face) column names as the host batch. */
export type TensorBatch<B> = { [K in keyof B]: B[K] extends HostTensor | undefined ? Tensor : never };

/** One host tensor as a tfjs tensor (same shape, `int32` or `float32`). The caller owns (disposes) it. */
export function toTfjsTensor(host: HostTensor): Tensor {
  return tensor(host.data, [...host.shape], host.dtype);
}

/**
 * Every column of a host batch as a tfjs tensor, for `model.call(batch)`. The caller owns the tensors:
 * dispose them (or build them inside `tf.tidy`) when the step is done.
 */
export function toTfjsTensors<B extends { [key: string]: HostTensor | undefined }>(batch: B): TensorBatch<B> {
  const out: Record<string, Tensor> = {};
  for (const [key, value] of Object.entries(batch)) {
    if (value !== undefined) out[key] = toTfjsTensor(value);
  }
  return out as TensorBatch<B>;
}
