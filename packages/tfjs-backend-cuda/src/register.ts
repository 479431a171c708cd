/**
 * Registration of the `cuda` backend and its kernels with tfjs-core. Every cpu kernel is
 * registered under `cuda` as a counted fallback, then the device kernels over them, so every
 * op works and the fast ones run on the device.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { CudaBackend } from './backend.js';
import type { CudaDevice } from './device.js';
import { type CudaKernelArgs, runOnCpu } from './fallback.js';
import './kernels/all.js';
import { CPU_KERNELS, CUDA_KERNELS, type CudaKernel } from './kernels/registry.js';

/** The name the backend registers under (`tf.setBackend('cuda')`). */
export const CUDA_BACKEND_NAME = 'cuda';

/** Priority in tfjs' automatic choice: above tfjs-node (3), native (2.5), wasm and cpu. */
export const CUDA_BACKEND_PRIORITY = 4;

/** Options of {@link registerCudaBackend}. */
export interface RegisterCudaBackendOptions {
  /** The device to run on: the addon's (`probeCuda().device`) or a `FakeCudaDevice` in tests. */
  readonly device: CudaDevice;
  /** Backend name (default `cuda`); tests may register a second one. */
  readonly name?: string;
  /** Priority among tfjs backends (default {@link CUDA_BACKEND_PRIORITY}). */
  readonly priority?: number;
}

/** A backend instance on `device`, not registered (for direct use or custom registration). */
export function createCudaBackend(device: CudaDevice): CudaBackend {
  return new CudaBackend(device);
}

/**
 * Registers the backend (a fresh {@link CudaBackend} on `options.device` whenever tfjs asks) and
 * all kernels under `options.name`. Replaces an earlier registration of that name, so tests can
 * switch devices: the old backend is disposed by tfjs.
 */
export function registerCudaBackend(options: RegisterCudaBackendOptions): void {
  const name = options.name ?? CUDA_BACKEND_NAME;
  if (tf.findBackendFactory(name)) tf.removeBackend(name);
  tf.registerBackend(
    name,
    () => createCudaBackend(options.device),
    options.priority ?? CUDA_BACKEND_PRIORITY,
  );
  registerCudaKernels(name);
}

const kernelsRegistered = new Set<string>();

/** The kernel names with a device implementation (the rest fall back to the cpu). */
export function cudaKernelNames(): string[] {
  return [...CUDA_KERNELS.keys()].sort();
}

function registerCudaKernels(backendName: string): void {
  if (kernelsRegistered.has(backendName)) return;
  kernelsRegistered.add(backendName);
  const done = new Set<string>();
  for (const config of tf.getKernelsForBackend('cpu')) {
    CPU_KERNELS.set(config.kernelName, config.kernelFunc);
    const cpu = config.kernelFunc;
    const device = CUDA_KERNELS.get(config.kernelName);
    const name = config.kernelName;
    tf.registerKernel({
      kernelName: name,
      backendName,
      kernelFunc: guarded(
        device ?? ((args) => runOnCpu(name, cpu, args as unknown as Parameters<typeof runOnCpu>[2])),
      ),
    });
    done.add(name);
  }
  for (const [kernelName, kernel] of CUDA_KERNELS) {
    if (done.has(kernelName)) continue;
    tf.registerKernel({ kernelName, backendName, kernelFunc: guarded(kernel) });
  }
}

/** A kernel that frees what it made when it throws (see `CudaBackend.runKernelGuarded`). */
function guarded(kernel: CudaKernel): tf.KernelFunc {
  return ((args: CudaKernelArgs) =>
    args.backend.runKernelGuarded(() => kernel(args))) as unknown as tf.KernelFunc;
}
