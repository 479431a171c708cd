#!/usr/bin/env node
// Builds the N-API addon with node-gyp. It never fails the install or the build: without a
// compiler it prints one line and the package stays usable (the backend reports itself
// unavailable, saying why, and @ner/models falls back to wasm).
//
// OpenBLAS is optional: the addon has GEMM kernels of its own (AVX-512, AVX2 + FMA, generic), so
// it links OpenBLAS only where cblas.h and libopenblas.so are both found, and builds without it
// otherwise (or when NER_NATIVE_NO_OPENBLAS=1, which simulates a machine without it). Where a
// build with OpenBLAS fails on OpenBLAS itself, it is retried without.
//
// The outcome goes to build/ner-build.json, which the package reads at load time to say what
// really happened (built with or without OpenBLAS; no toolchain; compiler errors). No such file
// and no addon means this script never ran: pnpm 10 skips dependencies' build scripts.
//
// Skips the compile when build/Release/ner_native.node is newer than every source.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const tag = '[@ner/tfjs-backend-native]';
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
const output = join(root, 'build', 'Release', 'ner_native.node');
const statusFile = join(root, 'build', 'ner-build.json');
const force = process.argv.includes('--force');
const wantsNoBlas = process.env.NER_NATIVE_NO_OPENBLAS === '1';
if (inRepo) shared.copyNativeBuild(root);

const INCLUDE_DIRS = [
  '/usr/include/x86_64-linux-gnu/openblas-pthread',
  '/usr/include/aarch64-linux-gnu/openblas-pthread',
  '/usr/include/openblas',
  '/usr/include',
  '/usr/local/include',
];
const LIBRARY_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
];

/** Whether OpenBLAS can be linked (header and the libopenblas.so link name), and a note for people. */
function findOpenBlas() {
  if (wantsNoBlas) return { found: false, note: 'OpenBLAS hidden by NER_NATIVE_NO_OPENBLAS=1' };
  const header = INCLUDE_DIRS.map((d) => join(d, 'cblas.h')).find((f) => existsSync(f));
  const library = LIBRARY_DIRS.flatMap((d) => [
    join(d, 'libopenblas.so'),
    join(d, 'openblas-pthread', 'libopenblas.so'),
  ]).find((f) => existsSync(f));
  if (header && library) return { found: true, note: `OpenBLAS from ${library}` };
  return { found: false, note: 'OpenBLAS not found (apt-get install libopenblas-dev adds it)' };
}

/** The status of the last build (null when unknown). */
function previousStatus() {
  try {
    return JSON.parse(readFileSync(statusFile, 'utf8'));
  } catch {
    return null;
  }
}

/** A compile whose failure is OpenBLAS itself (found on disk, but not usable). */
const BLAS_FAILURE =
  /cblas\.h: No such file|cannot find -lopenblas|undefined reference to `(cblas_|openblas_)/;

/** Builds unless up to date; records the outcome and returns the line to print. */
function buildAddon() {
  const previous = previousStatus();
  if (
    !force &&
    previous?.built &&
    isUpToDate(output, [join(root, 'binding.gyp'), join(root, 'src', 'addon')]) &&
    // A build with OpenBLAS is not what NER_NATIVE_NO_OPENBLAS=1 asks for.
    !(wantsNoBlas && previous.openblas) &&
    // Nor is a build without it once OpenBLAS is there (libopenblas-dev installed since, or no
    // longer hidden), unless it was there and would not link last time.
    !(
      !wantsNoBlas &&
      !previous.openblas &&
      !/not linkable/.test(previous.detail ?? '') &&
      findOpenBlas().found
    )
  ) {
    return `addon up to date (${previous.openblas ? 'with' : 'without'} OpenBLAS)`;
  }
  const gyp = findNodeGyp();
  if (!gyp) {
    writeBuildRecord(statusFile, { built: false, failure: 'toolchain', detail: 'node-gyp not found' });
    return 'node-gyp not found: addon not built (the backend will be unavailable).';
  }
  const compile = (withOpenBlas) =>
    runNodeGyp(gyp, root, { variables: { ner_openblas: withOpenBlas ? 1 : 0 } });
  const blas = findOpenBlas();
  let withOpenBlas = blas.found;
  let note = blas.note;
  let result = compile(withOpenBlas);
  if (!result.ok && withOpenBlas && BLAS_FAILURE.test(result.log)) {
    // Found on disk but not usable (a header without its library, another architecture's copy).
    withOpenBlas = false;
    note = 'OpenBLAS found but not linkable, built without it';
    result = compile(false);
  }
  if (!result.ok) {
    const { failure, hint } = explainFailure(result.log);
    writeBuildRecord(statusFile, { built: false, openblas: withOpenBlas, failure, detail: hint });
    const consequence = 'the backend will be unavailable';
    return `${failureLine({ what: 'addon', hint, consequence, verboseVar: 'NER_NATIVE_VERBOSE', log: result.log })}.`;
  }
  writeBuildRecord(statusFile, { built: true, openblas: withOpenBlas, detail: note });
  return `addon built ${withOpenBlas ? 'with' : 'without'} OpenBLAS (${note}): ${output}`;
}

if (process.env.NER_NATIVE_SKIP_BUILD) {
  writeBuildRecord(statusFile, { built: false, failure: 'skipped', detail: 'NER_NATIVE_SKIP_BUILD was set' });
  console.log(`${tag} NER_NATIVE_SKIP_BUILD is set: addon not built.`);
} else {
  runLockedBuild({ root, recordFile: statusFile, tag, what: 'build' }, buildAddon);
}
process.exit(0);
