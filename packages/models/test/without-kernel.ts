// The fused-kernel tests' switch: a forward with one of the native backend's kernels taken away,
// to compare against the same forward with it.
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Runs `fn` with `kernel` unregistered from the native backend, registered again after. */
export async function withoutKernel<T>(kernel: string, fn: () => Promise<T>): Promise<T> {
  const config = tf.getKernel(kernel, 'native');
  expect(config, `native registers ${kernel}`).toBeDefined();
  tf.unregisterKernel(kernel, 'native');
  try {
    return await fn();
  } finally {
    tf.registerKernel(config!);
  }
}
