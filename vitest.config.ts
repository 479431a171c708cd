import { defineConfig } from 'vitest/config';

// One config for the whole repo: every package and example is a project; the
// summary reporter ends the run with a plain "N passed, N failed" line for CI.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*'],
    reporters: ['default', './tools/ci/summary-reporter.mjs'],
    testTimeout: 60_000,
  },
});
