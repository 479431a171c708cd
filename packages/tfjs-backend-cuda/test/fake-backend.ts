// Shared setup: the whole cuda backend on a fake device in host memory.
import * as tf from '@tensorflow/tfjs-core';
import { FakeCudaDevice, type FakeCudaDeviceOptions } from '../src/fake/fake-device.js';
import { registerCudaBackend } from '../src/register.js';
import type { CudaBackend } from '../src/backend.js';

/** Registers `cuda` on a new fake device and makes it the active backend. */
export async function useFakeCuda(options: FakeCudaDeviceOptions = {}): Promise<FakeCudaDevice> {
  const device = new FakeCudaDevice(options);
  registerCudaBackend({ device });
  const ok = await tf.setBackend('cuda');
  if (!ok) throw new Error('tf.setBackend("cuda") failed');
  return device;
}

/** The active cuda backend instance. */
export function cudaBackend(): CudaBackend {
  return tf.backend() as CudaBackend;
}
