import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// Lets `vitest run` inside this package find its tests without the root workspace's project globs.
export default defineProject({
  // In this package's own tests its name means its sources, so the README example runs as written.
  resolve: {
    alias: [{ find: /^@ner\/hub$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) }],
  },
  test: {
    name: '@ner/hub',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
