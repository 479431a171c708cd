// NerAdamWMulti on cuda (fake device): the shared suite (tools/test-support/adamw-multi-suite.js),
// with the device's launches as the steps: one ner_adamw_f32 per non-empty tensor and nothing else
// (not countable on a real GPU).
import '@tensorflow/tfjs-backend-cpu';
import { ADAMW_MULTI_SHAPES, adamwMultiSuite } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { ADAMW_KERNEL_NAME, ADAMW_MULTI_KERNEL_NAME, AdamWMultiInputError } from '../src/index.js';
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
    device.resetCounters();
    return {
      done: () => {
        const { launches, mallocs } = device.counters;
        const kernels = Object.keys(launches);
        // Only AdamW launches and no new device memory count as a valid tally.
        if (mallocs !== 0 || kernels.some((k) => k !== 'ner_adamw_f32')) return -1;
        return launches.ner_adamw_f32 ?? 0;
      },
    };
  },
  inPlaceSteps: ADAMW_MULTI_SHAPES.length - 1,
});
