import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

// Own config so `vitest run` in this folder does not pick up the repo-level
// projects list (which is resolved relative to the working directory).
export default defineConfig({
  // In this package's own tests its name means its sources, so the README snippet runs as written.
  resolve: {
    alias: [
      { find: /^@ner\/evaluate$/, replacement: source('index.ts') },
      { find: /^@ner\/evaluate\/plot$/, replacement: source('plot/index.ts') },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
