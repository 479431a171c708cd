// Availability: the probe's outcomes become cudaStatus(); only an available device registers `cuda`.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeCudaDevice } from '../src/fake/fake-device.js';
import { cudaStatus, loadCuda } from '../src/status.js';

afterAll(async () => {
  await tf.setBackend('cpu');
  if (tf.findBackendFactory('cuda')) tf.removeBackend('cuda');
});

describe('loadCuda', () => {
  it('a missing addon module is "addon not built" and registers nothing', async () => {
    if (tf.findBackendFactory('cuda')) tf.removeBackend('cuda');
    const status = await loadCuda(async () => {
      const error = new Error("Cannot find module './addon.js'") as Error & { code: string };
      error.code = 'ERR_MODULE_NOT_FOUND';
      throw error;
    });
    expect(status.available).toBe(false);
    expect(status.reason).toMatch(/^addon not built \(Cannot find module/);
    expect(cudaStatus()).toBe(status);
    expect(tf.findBackendFactory('cuda')).toBeNull();
  });

  it('a probe without a device passes its reason on', async () => {
    const status = await loadCuda(async () => ({
      probeCuda: () => ({ available: false, reason: 'no CUDA device' }),
    }));
    expect(status).toEqual({ available: false, reason: 'no CUDA device' });
    expect(tf.findBackendFactory('cuda')).toBeNull();
  });

  it('a probe that found no driver says so in `noDriver`, for initBackend to skip it quietly', async () => {
    const reason = 'no NVIDIA driver: libcuda.so.1 not found';
    const status = await loadCuda(async () => ({
      probeCuda: () => ({ available: false, reason, noDriver: true }),
    }));
    expect(status).toEqual({ available: false, reason, noDriver: true });
    expect(tf.findBackendFactory('cuda')).toBeNull();
  });

  it('an addon that throws while loading is unavailable with its message', async () => {
    const status = await loadCuda(async () => {
      throw new Error('ner_cuda.node: invalid ELF header');
    });
    expect(status).toEqual({ available: false, reason: 'ner_cuda.node: invalid ELF header' });
  });

  it('a device registers the cuda backend and reports the device', async () => {
    const device = new FakeCudaDevice({ capacityBytes: 1 << 20 });
    const status = await loadCuda(async () => ({ probeCuda: () => ({ available: true, device }) }));
    expect(status.available).toBe(true);
    expect(status.device?.name).toBe('Fake CUDA device (host memory)');
    expect(await tf.setBackend('cuda')).toBe(true);
    expect(tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0]).toBe(3);
  });
});

it('the package entry reports unavailable on a machine without a GPU or without the built addon', async () => {
  const entry = await import('../src/index.js');
  const status = await entry.cudaReady;
  // CI and this project's build machines have no GPU: whatever the reason, it is named.
  if (!status.available) expect(status.reason).toMatch(/\S/);
  expect(entry.cudaStatus()).toBe(status);
});
