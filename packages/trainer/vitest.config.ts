import { defineConfig } from 'vitest/config';

// Own config so `vitest run` in this folder does not pick up the repo-level
// projects list (which is resolved relative to the working directory).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // tfjs-backend-cpu's "install tfjs-node" banner, once per file, buries the test output.
    setupFiles: ['../../tools/test-support/quiet-tfjs-banner.js'],
    testTimeout: 60_000,
  },
});
