// @ner/trainer's AdamW on cuda (fake device) with NerAdamWMulti registered: the shared suite
// (tools/test-support/trainer-adamw-multi-suite.js), with the tensors the fake device's AdamW
// launches updated per optimizer step (not countable on a real GPU).
import '@tensorflow/tfjs-backend-cpu';
import { trainerAdamWMultiSuite } from '@ner/test-support';
import { AdamW } from '@ner/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { ADAMW_MULTI_KERNEL_NAME } from '../src/index.js';
import { watchAdamWLaunches } from './adamw-launches.js';
import { onRealGpu, useFakeCuda } from './fake-backend.js';

let device: FakeCudaDevice;
beforeAll(async () => {
  device = await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

trainerAdamWMultiSuite({
  tf,
  vitest: { describe, it, expect, vi },
  AdamW,
  backendName: 'cuda',
  multiKernel: ADAMW_MULTI_KERNEL_NAME,
  stepLaunches: () => {
    if (onRealGpu) return { done: () => null };
    const watch = watchAdamWLaunches(device);
    return { done: () => watch.done().tensors };
  },
});
