import { existsSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tools/tsup/library.js';

export default defineConfig(
  libraryBuild(
    // src/addon.ts (the N-API loader) is its own entry: index.ts imports it dynamically, so a
    // missing or unbuildable addon leaves the backend "unavailable" instead of breaking the import.
    ['src/index.ts', ...(existsSync('src/addon.ts') ? ['src/addon.ts'] : [])],
    // import.meta.url locates the built addon; shimmed in the CJS build.
    { shims: true },
  ),
);
