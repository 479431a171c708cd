import { defineConfig } from 'vitest/config';

// Own config so `vitest run` in this folder does not pick up the repo-level
// projects list (which is resolved relative to the working directory).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    // Tests default to the pure-JS CPU backend; the model oracle tests pick cpu, wasm and native themselves
    // (test/oracle-cases.ts), so every backend runs the same checks.
    env: { NER_BACKEND: 'cpu' },
  },
});
