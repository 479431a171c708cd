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
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'build', 'Release', 'ner_native.node');
const statusFile = join(root, 'build', 'ner-build.json');
const force = process.argv.includes('--force');
const tag = '[@ner/tfjs-backend-native]';

/** Records what happened for the package's load-time message (see src/build-status.ts). */
function writeStatus(status) {
  mkdirSync(dirname(statusFile), { recursive: true });
  writeFileSync(statusFile, `${JSON.stringify({ ...status, date: new Date().toISOString() }, null, 2)}\n`);
}

if (process.env.NER_NATIVE_SKIP_BUILD) {
  writeStatus({ built: false, failure: 'skipped', detail: 'NER_NATIVE_SKIP_BUILD was set' });
  console.log(`${tag} NER_NATIVE_SKIP_BUILD is set: addon not built.`);
  process.exit(0);
}

function newestSource() {
  const files = [
    join(root, 'binding.gyp'),
    ...readdirSync(join(root, 'src', 'addon')).map((f) => join(root, 'src', 'addon', f)),
  ];
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/** The status of the last build, when it built this same addon (null when unknown). */
function previousStatus() {
  try {
    return JSON.parse(readFileSync(statusFile, 'utf8'));
  } catch {
    return null;
  }
}

const wantsNoBlas = process.env.NER_NATIVE_NO_OPENBLAS === '1';
const previous = previousStatus();
if (
  !force &&
  existsSync(output) &&
  statSync(output).mtimeMs >= newestSource() &&
  previous?.built &&
  // A build with OpenBLAS is not what NER_NATIVE_NO_OPENBLAS=1 asks for.
  !(wantsNoBlas && previous.openblas)
) {
  console.log(`${tag} addon up to date (${previous.openblas ? 'with' : 'without'} OpenBLAS)`);
  process.exit(0);
}

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

/** node-gyp: the one npm/pnpm point us at, a local install, or the copy bundled with npm. */
function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {}
  const prefix = resolve(dirname(process.execPath), '..');
  candidates.push(
    join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  );
  candidates.push(
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  );
  return candidates.find((c) => c && existsSync(c));
}

const gyp = nodeGyp();
if (!gyp) {
  writeStatus({ built: false, failure: 'toolchain', detail: 'node-gyp not found' });
  console.log(`${tag} node-gyp not found: addon not built (the backend will be unavailable).`);
  process.exit(0);
}

/** One node-gyp rebuild; returns its exit status and log. */
function compile(withOpenBlas) {
  // npm points npm_config_node_gyp at a .js file; other tools may point at an executable script.
  const viaNode = /\.[cm]?js$/.test(gyp);
  const args = [
    ...(viaNode ? [gyp] : []),
    'rebuild',
    '--release',
    `--jobs=${Math.max(1, Math.min(4, availableParallelism()))}`,
    // node-gyp hands options it does not know to gyp as variables (binding.gyp's ner_openblas).
    `--ner_openblas=${withOpenBlas ? 1 : 0}`,
  ];
  // Local Node headers (Debian's nodejs ships them) avoid a download, which offline machines cannot do.
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  const result = spawnSync(viaNode ? process.execPath : gyp, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    // An install must never hang: a compile takes a minute or two on a loaded machine.
    timeout: 15 * 60 * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const log = `${result.stdout ?? ''}\n${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}`;
  return { ok: result.status === 0, log };
}

const BLAS_FAILURE =
  /cblas\.h: No such file|cannot find -lopenblas|undefined reference to `(cblas_|openblas_)/;
const TOOLCHAIN_FAILURE =
  /(g\+\+|c\+\+|cc|make): (command )?not found|not found: (make|g\+\+|c\+\+)|gyp ERR! find Python|spawn \S+ ENOENT|ETIMEDOUT/;

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
  const toolchain = TOOLCHAIN_FAILURE.test(result.log);
  const hint = toolchain
    ? 'no C++ toolchain (apt-get install -y g++ make python3)'
    : 'the compiler reported errors';
  writeStatus({
    built: false,
    openblas: withOpenBlas,
    failure: toolchain ? 'toolchain' : 'errors',
    detail: hint,
  });
  if (process.env.NER_NATIVE_VERBOSE) console.log(result.log);
  console.log(
    `${tag} addon build failed: ${hint}; the backend will be unavailable (set NER_NATIVE_VERBOSE=1 for the compiler log).`,
  );
  process.exit(0);
}
writeStatus({ built: true, openblas: withOpenBlas, detail: note });
console.log(`${tag} addon built ${withOpenBlas ? 'with' : 'without'} OpenBLAS (${note}): ${output}`);
