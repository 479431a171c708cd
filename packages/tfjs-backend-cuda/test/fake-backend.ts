// Shared setup: the whole cuda backend on a fake device in host memory, or, with
// NER_CUDA_TEST_DEVICE=gpu (on a GPU machine), on the real device through the addon, so the
// same suites (kernels against cpu, BERT steps, the oracle) check the GPU.
import * as tf from '@tensorflow/tfjs-core';
import type { CudaDevice } from '../src/device.js';
import type { CudaBackend } from '../src/backend.js';
import { FakeCudaDevice, type FakeCudaDeviceOptions } from '../src/fake/fake-device.js';
import { registerCudaBackend } from '../src/register.js';
import { uniform } from './compare.js';

/** True when the suites run on a real GPU (fake-only assertions skip). */
export const onRealGpu = process.env.NER_CUDA_TEST_DEVICE === 'gpu';

let gpu: CudaDevice | null = null;

async function realDevice(): Promise<CudaDevice> {
  if (!gpu) {
    const { probeCuda } = await import('../src/addon.js');
    const probe = probeCuda();
    if (!probe.available) throw new Error(`NER_CUDA_TEST_DEVICE=gpu but no GPU: ${probe.reason}`);
    gpu = probe.device;
  }
  return gpu;
}

/**
 * Registers `cuda` on a new fake device (or the GPU, see above) and makes it the active
 * backend. On the GPU the returned object is the real device: only `CudaDevice` members work.
 */
export async function useFakeCuda(options: FakeCudaDeviceOptions = {}): Promise<FakeCudaDevice> {
  const device = onRealGpu ? await realDevice() : new FakeCudaDevice(options);
  registerCudaBackend({ device });
  const ok = await tf.setBackend('cuda');
  if (!ok) throw new Error('tf.setBackend("cuda") failed');
  return device as FakeCudaDevice;
}

/** The active cuda backend instance. */
export function cudaBackend(): CudaBackend {
  return tf.backend() as CudaBackend;
}

/** A float32 tensor of `shape` with seeded uniform values in [-2, 2). */
export function uniformTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    uniform(
      shape.reduce((p, d) => p * d, 1),
      seed,
      -2,
      2,
    ),
    shape,
  );
}

/** Device launches and products (fake device counters, by kernel name) of one run on cuda. */
export async function launchesOf(
  device: FakeCudaDevice,
  build: () => tf.Tensor,
): Promise<Record<string, number>> {
  await tf.setBackend('cuda');
  device.resetCounters();
  tf.tidy(() => {
    build().dataSync();
  });
  return { ...device.counters.launches };
}
