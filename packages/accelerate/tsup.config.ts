import { defineConfig } from 'tsup';
import { binBuild, libraryBuild } from '../../tools/tsup/library.js';

export default defineConfig([
  // `internal` shares the public entry's chunks (CJS too), so both see one copy of each class.
  libraryBuild(['src/index.ts', 'src/internal.ts'], { splitting: true, clean: false }),
  // The launcher CLI: ESM only (it uses top-level await), no types.
  binBuild({ 'ner-launch': 'src/bin/ner-launch.ts' }),
]);
