import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
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
