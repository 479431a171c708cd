import { packageVitestConfig } from '@ner/test-support';
import { defineProject } from 'vitest/config';

// Own config so `vitest run` in this folder does not pick up the repo-level projects list; in this
// package's tests `@ner/pipeline` means src/, so the README snippets run as written.
export default defineProject(
  packageVitestConfig(import.meta.url, {
    test: {
      testTimeout: 30_000,
      // Tests default to the pure-JS CPU backend; the model oracle tests pick cpu, wasm and native
      // themselves (test/oracle-cases.ts), so every backend runs the same checks.
      env: { NER_BACKEND: 'cpu' },
    },
  }),
);
