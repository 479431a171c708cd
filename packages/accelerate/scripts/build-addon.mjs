#!/usr/bin/env node
// Builds the gloo N-API addon (native/gloo, linked against Debian's libgloo-dev) with node-gyp.
// It never fails the install or the build: without libgloo, a compiler or node-gyp it prints one
// line and exits 0; at run time loadGloo() then reports "unavailable: <reason>", and only
// multi-process CPU training (which needs the engine) fails, with the apt line to run.
// Skips the compile when build/Release/ner_gloo.node is newer than every source, and waits for
// another build of the same package (a lock, as the backends' scripts). Each run records
// the outcome in build/ner-build.json, so a missing addon can say why (no record: it never ran).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const tag = '[@ner/accelerate]';
// The steps all @ner addon builds share: tools/native-build in the repository, which this
// script copies into dist/ (below) for the published package, whose install has no tools/.
const sharedInRepo = new URL('../../../tools/native-build/index.mjs', import.meta.url);
const inRepo = existsSync(sharedInRepo);
const shared = await import(
  (inRepo ? sharedInRepo : new URL('../dist/native-build.mjs', import.meta.url)).href
).catch((error) => {
  // An install never fails on the addon: say why; multi-process CPU training then refuses to start.
  console.log(`${tag} gloo addon not built: its build steps did not load (${error.message})`);
  process.exit(0);
});
const { explainFailure, failureLine, findNodeGyp, isUpToDate, runNodeGyp, runLockedBuild, writeBuildRecord } =
  shared;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'build', 'Release', 'ner_gloo.node');
const recordFile = join(root, 'build', 'ner-build.json');
const force = process.argv.includes('--force');
const APT_HINT = 'apt-get install -y libgloo-dev';
const consequence = 'multi-process CPU training will be unavailable';

/** Builds the addon unless it is up to date; returns the line to print. */
function buildGlooAddon() {
  if (!force && isUpToDate(output, [join(root, 'binding.gyp'), join(root, 'native', 'gloo')])) {
    writeBuildRecord(recordFile, { built: true });
    return 'gloo addon up to date';
  }
  // Where libgloo lives: NER_GLOO_PREFIX (a gloo built from source), else Debian's /usr, else
  // /usr/local. Checked before node-gyp so the message names the missing package, not a compiler error.
  const prefixes = process.env.NER_GLOO_PREFIX ? [process.env.NER_GLOO_PREFIX] : ['/usr', '/usr/local'];
  const glooPrefix = prefixes.find((p) => existsSync(join(p, 'include', 'gloo', 'allreduce.h')));
  if (!glooPrefix) {
    const detail = `libgloo was not found at install (no gloo/allreduce.h under ${prefixes.join(' or ')}; ${APT_HINT})`;
    writeBuildRecord(recordFile, { built: false, failure: 'library', detail });
    return `libgloo not found (no gloo/allreduce.h under ${prefixes.join(' or ')}): gloo addon not built; run \`${APT_HINT}\` to enable multi-process CPU training.`;
  }
  const gyp = findNodeGyp();
  if (!gyp) {
    writeBuildRecord(recordFile, { built: false, failure: 'toolchain', detail: 'node-gyp not found' });
    return `node-gyp not found: gloo addon not built (${consequence}).`;
  }
  // binding.gyp's gloo_prefix variable.
  const result = runNodeGyp(gyp, root, { variables: { gloo_prefix: glooPrefix }, timeoutMinutes: 10 });
  if (result.ok) {
    writeBuildRecord(recordFile, { built: true });
    return `gloo addon built: ${output}`;
  }
  const libgloo = {
    pattern: /gloo\/\S+\.h: No such file|cannot find -lgloo/,
    failure: 'library',
    hint: `libgloo is missing (${APT_HINT})`,
  };
  const { failure, hint } = explainFailure(result.log, [libgloo]);
  writeBuildRecord(recordFile, { built: false, failure, detail: hint });
  return `${failureLine({ what: 'gloo addon', hint, consequence, verboseVar: 'NER_GLOO_VERBOSE', log: result.log })}.`;
}

if (inRepo) shared.copyNativeBuild(root);
if (process.env.NER_GLOO_SKIP_BUILD) {
  writeBuildRecord(recordFile, { built: false, failure: 'skipped', detail: 'NER_GLOO_SKIP_BUILD was set' });
  console.log(`${tag} NER_GLOO_SKIP_BUILD is set: gloo addon not built.`);
} else {
  // node-gyp rebuild empties build/ first: a second build meanwhile would break this one.
  runLockedBuild({ root, recordFile, tag, what: 'gloo addon build' }, buildGlooAddon);
}
