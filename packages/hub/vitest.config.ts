import { packageVitestConfig } from '@ner/test-support';
import { defineProject } from 'vitest/config';

// Own config so `vitest run` in this folder does not pick up the repo-level projects list; in this
// package's tests `@ner/hub` means src/, so the README examples run as written.
export default defineProject(packageVitestConfig(import.meta.url));
