import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // `internal` shares the public entry's chunks (CJS too), so both see one copy of each class.
    entry: ['src/index.ts', 'src/internal.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    splitting: true,
    sourcemap: true,
    clean: false,
    target: 'es2022',
  },
  {
    // The launcher CLI: ESM only (it uses top-level await), no types.
    entry: { 'ner-launch': 'src/bin/ner-launch.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'es2022',
  },
]);
