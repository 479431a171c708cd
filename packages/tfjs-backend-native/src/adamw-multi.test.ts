// NerAdamWMulti on the native backend: the shared suite (tools/test-support/adamw-multi-suite.js),
// with the addon's adamw calls as the device steps (one per tensor, the empty one included).
import { ADAMW_MULTI_SHAPES, adamwMultiSuite } from '../../../tools/test-support/index.js';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { addon } from './addon.js';
import { ADAMW_KERNEL_NAME, ADAMW_MULTI_KERNEL_NAME, AdamWMultiInputError } from './index.js';
import { describeWithAddon, useNativeBackend } from './test-helpers.js';

beforeAll(useNativeBackend);
afterAll(async () => {
  await tf.setBackend('cpu');
});

adamwMultiSuite({
  tf,
  vitest: { describe, it, expect, vi },
  describe: describeWithAddon,
  backendName: 'native',
  kernels: { single: ADAMW_KERNEL_NAME, multi: ADAMW_MULTI_KERNEL_NAME },
  InputError: AdamWMultiInputError,
  bytesInUse: () => tf.memory().numBytes,
  watchSteps: () => {
    const steps = vi.spyOn(addon!, 'adamw');
    return {
      done: () => {
        const calls = steps.mock.calls.length;
        steps.mockRestore();
        return calls;
      },
    };
  },
  inPlaceSteps: ADAMW_MULTI_SHAPES.length,
});
