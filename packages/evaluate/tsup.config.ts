import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tools/tsup/library.js';

export default defineConfig(libraryBuild({ index: 'src/index.ts', plot: 'src/plot/index.ts' }));
