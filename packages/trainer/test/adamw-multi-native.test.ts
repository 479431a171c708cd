// @ner/trainer's AdamW on the native backend with NerAdamWMulti registered: the shared suite
// (tools/test-support/trainer-adamw-multi-suite.js); skipped without the native addon.
import '@tensorflow/tfjs-backend-cpu';
import { trainerAdamWMultiSuite } from '@ner/test-support';
import { ADAMW_MULTI_KERNEL_NAME, nativeBackendInfo } from '@ner/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AdamW } from '../src/index.js';

const native = nativeBackendInfo();
if (!native.available) console.warn(`[@ner/trainer tests] NerAdamWMulti tests skipped: ${native.reason}`);

beforeAll(async () => {
  if (native.available) await tf.setBackend('native');
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

trainerAdamWMultiSuite({
  tf,
  vitest: { describe, it, expect, vi },
  describe: (name, body) => describe.skipIf(!native.available)(name, body),
  AdamW,
  backendName: 'native',
  multiKernel: ADAMW_MULTI_KERNEL_NAME,
});
