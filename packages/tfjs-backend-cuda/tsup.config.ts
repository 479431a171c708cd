import { existsSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig({
  // src/addon.ts (the N-API loader) is its own entry: index.ts imports it dynamically, so a
  // missing or unbuildable addon leaves the backend "unavailable" instead of breaking the import.
  entry: ['src/index.ts', ...(existsSync('src/addon.ts') ? ['src/addon.ts'] : [])],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // import.meta.url locates the built addon; shimmed in the CJS build.
  shims: true,
});
