// Bad input to the cuda backend: clear typed errors, nothing allocated or leaked.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { CudaBackendError, CudaOutOfMemoryError } from '../../src/errors.js';
import { ADAMW_KERNEL_NAME, LAYER_NORM_KERNEL } from '../../../../tools/kernel-contract/index.js';
import { cudaBackend, onRealGpu, useFakeCuda } from '../fake-backend.js';

beforeEach(async () => {
  await useFakeCuda({ capacityBytes: 1 << 20 });
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

it.skipIf(onRealGpu)(
  'a tensor larger than device memory is a CudaOutOfMemoryError naming the bytes; nothing leaks',
  () => {
    const kept = tf.ones([1000]);
    const tensors = tf.memory().numTensors;
    const inUse = cudaBackend().memory().bytesInUse;
    let error: unknown;
    try {
      tf.zeros([512, 1024]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CudaOutOfMemoryError);
    expect((error as CudaOutOfMemoryError).requestedBytes).toBe(2 * 1024 * 1024);
    expect((error as Error).message).toMatch(/could not allocate 2097152 bytes \(in use 4096 bytes/);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(cudaBackend().memory().bytesInUse).toBe(inUse);
    kept.dispose();
  },
);

it('more than 2^31 - 1 elements is refused before any allocation', () => {
  const mallocs = cudaBackend().memory().mallocs;
  expect(() => cudaBackend().makeOutput([1 << 16, 1 << 16], 'int32')).toThrow(CudaBackendError);
  expect(cudaBackend().memory().mallocs).toBe(mallocs);
});

it('a values array of the wrong length for the shape is refused and its block returned', () => {
  expect(() => cudaBackend().write(new Float32Array(3), [2, 2], 'float32')).toThrow(
    /3 values for a float32 tensor of shape \[2,2\] \(4 elements\)/,
  );
  expect(cudaBackend().memory().bytesInUse).toBe(0);
});

it('NerAdamW with a gradient of another shape names the input and both shapes', () => {
  const param = tf.zeros([2, 3]);
  const grad = tf.zeros([3, 2]);
  const attrs = {
    decayFactor: 1,
    beta1: 0.9,
    beta2: 0.999,
    biasCorrection2Sqrt: 1,
    eps: 1e-8,
    stepSize: 1e-3,
  };
  expect(() => tf.engine().runKernel(ADAMW_KERNEL_NAME, { param, grad, m: param, v: param }, attrs)).toThrow(
    'NerAdamW: input "grad" has shape [3,2], the parameter has [2,3]',
  );
  tf.dispose([param, grad]);
});

it('NerLayerNorm with a gamma of the wrong length names it', () => {
  const x = tf.zeros([2, 4]);
  const gamma = tf.ones([3]);
  const beta = tf.zeros([4]);
  expect(() => tf.engine().runKernel(LAYER_NORM_KERNEL, { x, gamma, beta }, { eps: 1e-12 })).toThrow(
    "NerLayerNorm: gamma has shape [3], x's last axis is 4",
  );
  expect(() =>
    tf.engine().runKernel(LAYER_NORM_KERNEL, { x: tf.cast(x, 'int32'), gamma, beta }, { eps: 1 }),
  ).toThrow('NerLayerNorm: input "x" must be a float32 tensor');
  tf.dispose([x, gamma, beta]);
});

it('reading a disposed tensor is an error, not a read of freed memory', () => {
  const x = tf.ones([4]);
  const dataId = x.dataId;
  x.dispose();
  expect(() => cudaBackend().entry(dataId)).toThrow();
});

it.skipIf(onRealGpu)(
  'a multi-output kernel that runs out of memory releases the outputs it had made',
  async () => {
    // Device mallocs of 512 bytes fail once armed: y (9728 bytes) is made, mean (512) is not.
    let armed = false;
    await useFakeCuda({
      onMalloc: (bytes) => {
        if (armed && bytes === 512) throw new Error('cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY');
      },
    });
    const x = tf.zeros([8, 300]);
    const gamma = tf.ones([300]);
    const beta = tf.zeros([300]);
    const before = cudaBackend().memory().bytesInUse;
    armed = true;
    expect(() => tf.engine().runKernel(LAYER_NORM_KERNEL, { x, gamma, beta }, { eps: 1e-12 })).toThrow(
      CudaOutOfMemoryError,
    );
    armed = false;
    expect(cudaBackend().memory().bytesInUse).toBe(before);
    tf.dispose([x, gamma, beta]);
  },
);
