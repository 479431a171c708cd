// TF32 matmuls (setMatMulTf32, as torch.backends.cuda.matmul.allow_tf32): refused where the
// backend has none; the cuda backend's side is tested in @ner/tfjs-backend-cuda (test/tf32.test.ts).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  BackendError,
  matMulTf32,
  setMatMulTf32,
  Tf32UnsupportedError,
  tf32Supported,
} from '../src/index.js';
import { restoreCpu, useBackend } from './backends.js';

beforeAll(async () => {
  await useBackend('cpu');
});
afterAll(restoreCpu);

it('cpu has no TF32: asking for it throws a typed error naming the backend; turning it off does nothing', () => {
  expect(tf32Supported()).toBe(false);
  expect(matMulTf32()).toBe(false);
  let caught: unknown;
  try {
    setMatMulTf32(true);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(Tf32UnsupportedError);
  expect(caught).toBeInstanceOf(BackendError);
  expect((caught as Tf32UnsupportedError).backendName).toBe('cpu');
  expect((caught as Error).message).toBe(
    "TF32 matmuls were asked for, but the active backend 'cpu' cannot: it has no TF32 matmuls. " +
      'TF32 needs the cuda backend on an Ampere or newer GPU (Python\'s "--tf32 requires Ampere or a newer GPU arch").',
  );
  expect(() => setMatMulTf32(false)).not.toThrow();
  expect(tf.getBackend()).toBe('cpu');
});
