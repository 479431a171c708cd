import { defineConfig } from 'vitest/config';

// One config for the whole repo: every package and example is a project, and
// each package's own `vitest run` (via turbo) picks up the same defaults.
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*'],
  },
});
