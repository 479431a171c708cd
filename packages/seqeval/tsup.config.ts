import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tools/tsup/library.js';

export default defineConfig(libraryBuild(['src/index.ts', 'src/internal.ts']));
