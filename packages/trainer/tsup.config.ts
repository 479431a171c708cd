import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tools/tsup/library.js';

// `internal` shares the public entry's chunks (CJS too), so both see one copy of each class.
export default defineConfig(
  libraryBuild(['src/index.ts', 'src/internal.ts'], { splitting: true, clean: false }),
);
