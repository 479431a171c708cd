import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tools/tsup/library.js';

// import.meta.url locates build/Release/ner_native.node; shimmed in the CJS build.
export default defineConfig(libraryBuild(['src/index.ts'], { shims: true }));
