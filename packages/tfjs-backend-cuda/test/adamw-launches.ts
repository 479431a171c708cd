// The fake device's AdamW launches during a piece of work: how many tensors they updated
// (one per ner_adamw_f32, `count` per ner_adamw_multi_f32) and which kernels ran. Not countable
// on a real GPU.
import { vi } from 'vitest';
import type { KernelArg } from '../src/device.js';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';

export interface AdamWLaunches {
  /** Tensors the AdamW launches updated. */
  readonly tensors: number;
  /** Every kernel launched, in order. */
  readonly kernels: readonly string[];
  /** `device.malloc` calls meanwhile. */
  readonly mallocs: number;
}

/** Starts watching `device`'s launches; `done()` stops and tallies them. */
export function watchAdamWLaunches(device: FakeCudaDevice): { done(): AdamWLaunches } {
  device.resetCounters();
  const launch = vi.spyOn(device, 'launch');
  return {
    done() {
      const calls = launch.mock.calls.map(([kernel, , , , args]) => [kernel, args] as const);
      launch.mockRestore();
      let tensors = 0;
      for (const [kernel, args] of calls) {
        if (kernel === 'ner_adamw_f32') tensors += 1;
        if (kernel === 'ner_adamw_multi_f32') tensors += (args[1] as Extract<KernelArg, { i32: number }>).i32;
      }
      return { tensors, kernels: calls.map(([kernel]) => kernel), mallocs: device.counters.mallocs };
    },
  };
}
