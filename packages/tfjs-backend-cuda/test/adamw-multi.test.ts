// NerAdamWMulti on cuda (fake device): the shared suite (tools/test-support/adamw-multi-suite.js),
// with the tensors of the device's one ner_adamw_multi_f32 launch as the steps: every non-empty
// tensor, and nothing else launched (not countable on a real GPU).
import '@tensorflow/tfjs-backend-cpu';
import { ADAMW_MULTI_SHAPES, adamwMultiSuite } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { ADAMW_KERNEL_NAME, ADAMW_MULTI_KERNEL_NAME, AdamWMultiInputError } from '../src/index.js';
import { watchAdamWLaunches } from './adamw-launches.js';
import { cudaBackend, onRealGpu, useFakeCuda } from './fake-backend.js';

let device: FakeCudaDevice;
beforeAll(async () => {
  device = await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

adamwMultiSuite({
  tf,
  vitest: { describe, it, expect, vi },
  backendName: 'cuda',
  kernels: { single: ADAMW_KERNEL_NAME, multi: ADAMW_MULTI_KERNEL_NAME },
  InputError: AdamWMultiInputError,
  bytesInUse: () => cudaBackend().memory().bytesInUse,
  watchSteps: () => {
    if (onRealGpu) return { done: () => null };
    const watch = watchAdamWLaunches(device);
    return {
      done: () => {
        const { tensors, kernels, mallocs } = watch.done();
        // A valid tally: one ner_adamw_multi_f32 launch at most, and no new device memory but
        // the block of its table of tensors.
        if (
          kernels.length > 1 ||
          kernels.some((k) => k !== 'ner_adamw_multi_f32') ||
          mallocs > kernels.length
        )
          return -1;
        return tensors;
      },
    };
  },
  inPlaceSteps: ADAMW_MULTI_SHAPES.length - 1,
});
