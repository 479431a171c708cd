/**
 * The fake device's random kernels (src/cu/random.cu): Philox4x32-10 uniform draws and dropout.
 */
import { f32, type FakeKernel, float, int, type KernelName, ptr, uint } from './args.js';
import { philox4x32, uint32ToUnit } from '../math.js';

export const RANDOM_KERNELS = {
  ner_random_uniform_f32: (heap, args) => {
    const n = int(args, 1);
    const [seedLo, seedHi, offset] = [uint(args, 2), uint(args, 3), uint(args, 4)];
    const [low, high] = [float(args, 5), float(args, 6)];
    const y = heap.f32(ptr(args, 0), n, 'ner_random_uniform_f32 y');
    for (let i = 0; i < n; i += 4) {
      // The counter block offset + i/4 is 64-bit: low word, high word, 0, 0 (as src/cu/random.cu).
      const counter = offset + i / 4;
      const bits = philox4x32([counter >>> 0, Math.floor(counter / 2 ** 32) >>> 0, 0, 0], seedLo, seedHi);
      for (let j = 0; j < 4 && i + j < n; j++) y[i + j] = low + f32(high - low) * uint32ToUnit(bits[j]!);
    }
  },
  ner_dropout_f32: (heap, args) => {
    const n = int(args, 2);
    const [seedLo, seedHi, offset] = [uint(args, 3), uint(args, 4), uint(args, 5)];
    // Float32 kernel arguments, as the device reads them.
    const [rate, scale] = [f32(float(args, 6)), f32(float(args, 7))];
    const x = heap.f32(ptr(args, 0), n, 'ner_dropout_f32 x');
    const y = heap.f32(ptr(args, 1), n, 'ner_dropout_f32 y');
    for (let i = 0; i < n; i += 4) {
      // ner_random_uniform_f32's draw with low 0, high 1 (the same counter blocks and key).
      const counter = offset + i / 4;
      const bits = philox4x32([counter >>> 0, Math.floor(counter / 2 ** 32) >>> 0, 0, 0], seedLo, seedHi);
      for (let j = 0; j < 4 && i + j < n; j++) {
        // Two float32 values: the double product rounds once to float32 on the store.
        y[i + j] = x[i + j]! * (uint32ToUnit(bits[j]!) >= rate ? scale : 0);
      }
    }
  },
} satisfies Partial<Record<KernelName, FakeKernel>>;
