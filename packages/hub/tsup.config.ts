import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tools/tsup/library.js';

export default defineConfig(libraryBuild({ index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' }));
