import { CollateConfigError } from './errors.js';
import type { HostTensor } from './host-tensor.js';
import { type TensorBatch, toTfjsTensors } from './to-tfjs.js';

/**
 * What collators return: `'typed'` (default) host tensors over typed arrays, or `'tfjs'` tensors
 * (Python's `return_tensors="pt"` / `"tf"`).
 */
export type ReturnTensors = 'typed' | 'tfjs';

/** The batch type for a `returnTensors` choice. */
export type BatchAs<B, R extends ReturnTensors> = R extends 'tfjs' ? TensorBatch<B> : B;

/** Validates `returnTensors`. */
export function resolveReturnTensors(value: ReturnTensors | undefined): ReturnTensors {
  const resolved = value ?? 'typed';
  if (resolved !== 'typed' && resolved !== 'tfjs') {
    throw new CollateConfigError('returnTensors', `expected 'typed' or 'tfjs', got ${String(value)}`);
  }
  return resolved;
}

/** Converts a host batch to what `returnTensors` asks for. */
export function finishBatch<B extends { [key: string]: HostTensor | undefined }, R extends ReturnTensors>(
  batch: B,
  returnTensors: R,
): BatchAs<B, R> {
  return (returnTensors === 'tfjs' ? toTfjsTensors(batch) : batch) as BatchAs<B, R>;
}
