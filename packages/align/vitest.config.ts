import { packageVitestConfig } from '@ner/test-support';
import { defineProject } from 'vitest/config';

// Own config so `vitest run` in this folder does not pick up the repo-level projects list; in this
// package's tests `@ner/align` means src/, so the README snippet runs as written.
export default defineProject(packageVitestConfig(import.meta.url, { test: { testTimeout: 30_000 } }));
