#!/usr/bin/env node
// Builds the N-API addon with node-gyp, then the kernels' fatbin with nvcc (build-fatbin.mjs).
// It never fails the install or the build: whatever cannot be built is named in one line and
// the package stays usable (the backend reports itself unavailable, or compiles the kernels
// with NVRTC at first use when only the fatbin is missing). The addon needs no CUDA headers or
// libraries to build: it opens libcuda, cuBLASLt and NVRTC at run time.
// Skips the compile when build/Release/ner_cuda.node is newer than every source.
// NER_CUDA_SKIP_BUILD=1 skips both steps. Each run records the addon's outcome in
// build/ner-build.json, so a missing addon can say why (no record: this script never ran).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFatbin } from './build-fatbin.mjs';

const tag = '[@ner/tfjs-backend-cuda]';
// The steps all @ner addon builds share: tools/native-build in the repository, which this
// script copies into dist/ (below) for the published package, whose install has no tools/.
const sharedInRepo = new URL('../../../tools/native-build/index.mjs', import.meta.url);
const inRepo = existsSync(sharedInRepo);
const shared = await import(
  (inRepo ? sharedInRepo : new URL('../dist/native-build.mjs', import.meta.url)).href
).catch((error) => {
  // An install never fails on the addon: say why and leave the backend unavailable.
  console.log(`${tag} addon not built: its build steps did not load (${error.message})`);
  process.exit(0);
});
const { explainFailure, failureLine, findNodeGyp, isUpToDate, runNodeGyp, runLockedBuild, writeBuildRecord } =
  shared;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'build', 'Release', 'ner_cuda.node');
const recordFile = join(root, 'build', 'ner-build.json');
const force = process.argv.includes('--force');

/** Builds the addon unless it is up to date; returns the line to print. */
function buildAddon() {
  if (!force && isUpToDate(output, [join(root, 'binding.gyp'), join(root, 'src', 'addon')])) {
    writeBuildRecord(recordFile, { built: true });
    return 'addon up to date';
  }
  const gyp = findNodeGyp();
  if (!gyp) {
    writeBuildRecord(recordFile, { built: false, failure: 'toolchain', detail: 'node-gyp not found' });
    return 'node-gyp not found: addon not built (the backend will be unavailable)';
  }
  const result = runNodeGyp(gyp, root);
  if (result.ok) {
    writeBuildRecord(recordFile, { built: true });
    return `addon built: ${output}`;
  }
  const { failure, hint } = explainFailure(result.log);
  writeBuildRecord(recordFile, { built: false, failure, detail: hint });
  const consequence = 'the backend will be unavailable';
  return failureLine({ what: 'addon', hint, consequence, verboseVar: 'NER_CUDA_VERBOSE', log: result.log });
}

if (inRepo) shared.copyNativeBuild(root);
if (process.env.NER_CUDA_SKIP_BUILD) {
  writeBuildRecord(recordFile, { built: false, failure: 'skipped', detail: 'NER_CUDA_SKIP_BUILD was set' });
  console.log(`${tag} NER_CUDA_SKIP_BUILD is set: addon and fatbin not built.`);
  process.exit(0);
}
runLockedBuild({ root, recordFile, tag, what: 'build' }, () => [
  buildAddon(),
  buildFatbin({ force }).message,
]);
process.exit(0);
