import { defineProject } from 'vitest/config';

// Lets `vitest run` inside this package find its tests without the root workspace's project globs
// (which are relative to the repository root).
export default defineProject({
  test: {
    name: '@ner/collate',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // tfjs-backend-cpu's "install tfjs-node" banner, once per file, buries the test output.
    setupFiles: ['../../tools/test-support/quiet-tfjs-banner.js'],
  },
});
