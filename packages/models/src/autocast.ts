/**
 * bf16 autocast, as `torch.autocast(device_type, dtype=torch.bfloat16)`: inside
 * {@link withAutocast}, the active backend runs every matmul (`MatMul`, `BatchMatMul`,
 * `_FusedMatMul`, forward and gradient) on bfloat16-rounded operands with fp32 accumulation;
 * weights, gradients, optimizer state and every other op stay fp32 (the "master weights").
 * `@ner/trainer` turns it on for its training and evaluation steps with `TrainingArguments.bf16`.
 *
 * Only backends that implement the contract's `AutocastBackend` can (`native` and `cuda`);
 * asking another throws {@link AutocastUnsupportedError} instead of silently training in fp32.
 */
import * as tf from '@tensorflow/tfjs-core';
// The backend side of the contract lives with the kernel names (tools/kernel-contract).
import {
  type AutocastBackend,
  type AutocastDtype,
  isAutocastBackend,
} from '../../../tools/kernel-contract/index.js';
import { BackendError } from './errors.js';

export type { AutocastBackend, AutocastDtype };

/** Autocast was asked of a backend whose matmuls cannot run under it. */
export class AutocastUnsupportedError extends BackendError {
  constructor(
    /** `tf.getBackend()` when it was asked. */
    readonly backendName: string,
    readonly dtype: AutocastDtype,
  ) {
    super(
      `${dtype} autocast needs a backend whose matmuls run in ${dtype} (native, cuda); the active backend '${backendName}' has none. Use initBackend() with @ner/tfjs-backend-native installed, or train without bf16.`,
    );
  }
}

/** Whether the active backend can run matmuls under `dtype` autocast. */
export function autocastSupported(dtype: AutocastDtype = 'bf16'): boolean {
  return dtype === 'bf16' && isAutocastBackend(tf.backend());
}

/** The active backend's matmul autocast now: `'bf16'` inside {@link withAutocast}, else `null`. */
export function matMulAutocast(): AutocastDtype | null {
  const backend = tf.backend();
  return isAutocastBackend(backend) ? backend.matMulAutocast() : null;
}

/**
 * Runs `fn` with the active backend's matmuls under `dtype` autocast and restores what was
 * before (so calls nest); `null` runs `fn` unchanged. Synchronous, as the tfjs kernels it covers:
 * an async `fn` would leave autocast on only until its first `await`.
 *
 * @throws {AutocastUnsupportedError} when the active backend cannot (checked before `fn` runs).
 * @example
 * const loss = withAutocast('bf16', () => model.computeLoss(batch, { training: true }));
 */
export function withAutocast<T>(dtype: AutocastDtype | null, fn: () => T): T {
  if (dtype === null) return fn();
  const backend = tf.backend();
  if (!isAutocastBackend(backend)) throw new AutocastUnsupportedError(tf.getBackend(), dtype);
  const before = backend.matMulAutocast();
  backend.setMatMulAutocast(dtype);
  try {
    return fn();
  } finally {
    backend.setMatMulAutocast(before);
  }
}
