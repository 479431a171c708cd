/**
 * JS versions of every kernel in `KERNEL_ABI`, with the documented semantics, over a
 * {@link FakeHeap}. Each reads its arguments already checked for kind and count, and touches
 * memory only through the heap's bounds-checked views. Arithmetic is float64 rounded to float32
 * on store (the GPU rounds each float op; differences stay within the backend's 1e-5 tests).
 */
import type { FakeKernel, KernelName } from './kernels/args.js';
import { ELEMENTWISE_KERNELS } from './kernels/elementwise.js';
import { LAYOUT_KERNELS } from './kernels/layout.js';
import { OPTIM_KERNELS } from './kernels/optim.js';
import { RANDOM_KERNELS } from './kernels/random.js';
import { REDUCE_KERNELS } from './kernels/reduce.js';

/** Every kernel, one module per `src/cu` file (fake-device.test.ts checks the names against `KERNEL_ABI`). */
export const FAKE_KERNELS: Readonly<Record<KernelName, FakeKernel>> = {
  ...ELEMENTWISE_KERNELS,
  ...LAYOUT_KERNELS,
  ...OPTIM_KERNELS,
  ...RANDOM_KERNELS,
  ...REDUCE_KERNELS,
};
