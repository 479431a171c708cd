// A BERT training step on cuda that runs out of device memory at any allocation frees every
// tensor and every block it made (autoFindBatchSize retries in the same memory): the allocator is
// made to throw CudaOutOfMemoryError at each of the step's allocations in turn, through the fused
// kernels (NerLayerNorm, NerGeluErf), cuBLASLt products with their epilogues, and reductions
// with their scratch blocks.
import '@tensorflow/tfjs-backend-cpu';
import { BertConfig, BertForTokenClassification, registerGradients } from '@ner/models';
import { tinyBertSizes, tinyTokenBatch } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CudaOutOfMemoryError } from '../src/errors.js';
import { getFallbackCounts, resetFallbackCounts } from '../src/fallback.js';
import { cudaBackend, onRealGpu, useFakeCuda } from './fake-backend.js';

beforeAll(async () => {
  registerGradients();
  await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** The backend's allocator, made to fail once after `after` more allocations. */
function failingAllocator() {
  const allocator = (cudaBackend() as unknown as { allocator: { allocate(bytes: number): unknown } })
    .allocator;
  const allocate = allocator.allocate.bind(allocator);
  const control = { after: -1, count: 0 };
  allocator.allocate = (bytes: number) => {
    control.count += 1;
    if (control.after === 0) {
      control.after = -1;
      throw new CudaOutOfMemoryError(bytes, { bytesInUse: 0, bytesCached: 0, mallocs: 0 });
    }
    if (control.after > 0) control.after -= 1;
    return allocate(bytes);
  };
  const restore = () => {
    allocator.allocate = allocate;
  };
  return { control, restore };
}

it.skipIf(onRealGpu)(
  'fails at each allocation of a step in turn: nothing left, and the next step is right',
  () => {
    const model = new BertForTokenClassification(new BertConfig({ ...tinyBertSizes(2), numLabels: 3 }), {
      seed: 5,
    });
    const batch = tinyTokenBatch();
    const step = () => {
      model.setSeed(11);
      const { loss, grads } = model.computeGradients(batch, { training: true });
      const values = [loss, ...grads.values()].map((t) => Array.from(t.dataSync()));
      tf.dispose([loss, ...grads.values()]);
      return values;
    };
    resetFallbackCounts();
    const expected = step(); // also makes what the backend keeps between steps (its ones vector)
    expect(getFallbackCounts()).toEqual({});
    const { control, restore } = failingAllocator();
    try {
      control.count = 0;
      expect(step()).toEqual(expected);
      const allocations = control.count;
      expect(allocations).toBeGreaterThan(100);
      const leaks: string[] = [];
      for (let at = 0; at < allocations; at++) {
        const tensors = tf.memory().numTensors;
        const bytes = cudaBackend().memory().bytesInUse;
        control.after = at;
        expect(step).toThrow(CudaOutOfMemoryError);
        const leftTensors = tf.memory().numTensors - tensors;
        const leftBytes = cudaBackend().memory().bytesInUse - bytes;
        if (leftTensors !== 0 || leftBytes !== 0)
          leaks.push(
            `failing at allocation ${at} of ${allocations} left ${leftTensors} tensors, ${leftBytes} bytes`,
          );
      }
      expect(leaks).toEqual([]);
      expect(step()).toEqual(expected);
    } finally {
      restore();
      model.dispose();
    }
  },
);
