// The packages the CUDA checks and benches use, loaded from the repository's built dist/ folders
// (run `pnpm build` first). tools/gpu-check/pack.sh bundles the same scripts with
// deps-bundled.mjs in place of this file (static imports, no node_modules needed on the GPU machine);
// both files export the same names.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dist = (name) => pathToFileURL(join(repoRoot, 'packages', name, 'dist', 'index.js')).href;
// tfjs-core and the cpu backend resolve from @ner/models, so everything shares its one copy.
const modelsRequire = createRequire(join(repoRoot, 'packages/models/package.json'));

/** `true` inside a pack.sh bundle, `false` here. */
export const bundled = false;
export const tf = await import(pathToFileURL(modelsRequire.resolve('@tensorflow/tfjs-core')).href);
await import(pathToFileURL(modelsRequire.resolve('@tensorflow/tfjs-backend-cpu')).href);
export const models = await import(dist('models'));
export const trainer = await import(dist('trainer'));
export const pipelineLib = await import(dist('pipeline'));
export const pipelineInternal = await import(
  pathToFileURL(join(repoRoot, 'packages', 'pipeline', 'dist', 'internal.js')).href
);

const CUDA_DIST = join(repoRoot, 'packages', 'tfjs-backend-cuda', 'dist');

/**
 * Imports @ner/tfjs-backend-cuda (which registers the `cuda` backend when it finds a device).
 * Resolves `{ module, reason }`: `module` null and `reason` "not built: ..." when its dist/ is missing
 * or fails to import.
 */
export async function importCuda() {
  const file = join(CUDA_DIST, 'index.js');
  if (!existsSync(file)) return { module: null, reason: `not built: ${file} is missing (pnpm build)` };
  try {
    return { module: await import(pathToFileURL(file).href), reason: null };
  } catch (error) {
    return {
      module: null,
      reason: `not built: importing ${file} failed: ${String(error?.message ?? error).split('\n')[0]}`,
    };
  }
}

/** Imports the package's addon loader (dist/addon.js, which exports `probeCuda()`), or says why not. */
export async function importCudaAddon() {
  const file = join(CUDA_DIST, 'addon.js');
  if (!existsSync(file)) return { module: null, reason: `not built: ${file} is missing` };
  try {
    return { module: await import(pathToFileURL(file).href), reason: null };
  } catch (error) {
    return {
      module: null,
      reason: `importing ${file} failed: ${String(error?.message ?? error).split('\n')[0]}`,
    };
  }
}
