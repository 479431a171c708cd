// The wasm fallback when the native addon is not built. The native backend's oracle tests (forward
// outputs and first-step gradients of every oracle model, the random-bias models against cpu) are
// the shared suite in oracle-*.test.ts, which runs on every backend.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { resetBackendChoice } from '../src/index.js';

afterAll(async () => {
  resetBackendChoice();
  await tf.setBackend('cpu');
});

describe('native backend fallback', () => {
  it('without the addon, initBackend takes wasm and says why on its one line', async () => {
    vi.resetModules();
    vi.doMock('@ner/tfjs-backend-native', () => ({
      nativeBackendInfo: () => ({ available: false, reason: 'the native addon is not built (test)' }),
    }));
    try {
      const fresh = await import('../src/backend.js');
      fresh.resetBackendChoice();
      const lines: string[] = [];
      const info = await fresh.initBackend({ env: {}, log: (line) => lines.push(line) });
      expect(info.choice).toBe('wasm');
      expect(info.skipped).toContain('native: the native addon is not built (test)');
      expect(lines).toEqual([
        '[@ner/models] TensorFlow.js backend: wasm (native unavailable: the native addon is not built (test))',
      ]);
      fresh.resetBackendChoice();
      await expect(fresh.initBackend({ env: { NER_BACKEND: 'native' }, log: null })).rejects.toThrow(
        /NER_BACKEND=native but @ner\/tfjs-backend-native cannot be used: the native addon is not built/,
      );
    } finally {
      vi.doUnmock('@ner/tfjs-backend-native');
      vi.resetModules();
    }
  });
});
