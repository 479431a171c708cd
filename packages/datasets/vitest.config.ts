import { defineProject } from 'vitest/config';

// Lets `vitest run` inside this package find its tests without the root workspace's project globs.
export default defineProject({
  test: {
    name: '@ner/datasets',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
