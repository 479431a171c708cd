import { defineConfig } from 'tsup';
import { binBuild, libraryBuild } from '../../tools/tsup/library.js';

export default defineConfig([
  libraryBuild(['src/index.ts', 'src/internal.ts'], { clean: false }),
  // The `ner` bin: ESM only, keeps its shebang.
  binBuild({ cli: 'src/cli/main.ts' }),
]);
