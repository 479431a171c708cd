#!/usr/bin/env node
// Builds the N-API addon with node-gyp, then the kernels' fatbin with nvcc (build-fatbin.mjs).
// It never fails the install or the build: whatever cannot be built is named in one line and
// the package stays usable (the backend reports itself unavailable, or compiles the kernels
// with NVRTC at first use when only the fatbin is missing). The addon needs no CUDA headers or
// libraries to build: it opens libcuda, cuBLASLt and NVRTC at run time.
// Skips the compile when build/Release/ner_cuda.node is newer than every source.
// NER_CUDA_SKIP_BUILD=1 skips both steps.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFatbin } from './build-fatbin.mjs';

const tag = '[@ner/tfjs-backend-cuda]';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'build', 'Release', 'ner_cuda.node');
const force = process.argv.includes('--force');

function newestSource() {
  const files = [
    join(root, 'binding.gyp'),
    ...readdirSync(join(root, 'src', 'addon'))
      .filter((f) => !f.endsWith('.test.ts'))
      .map((f) => join(root, 'src', 'addon', f)),
  ];
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
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

function buildAddon() {
  if (!force && existsSync(output) && statSync(output).mtimeMs >= newestSource()) return 'addon up to date';
  const gyp = nodeGyp();
  if (!gyp) return 'node-gyp not found: addon not built (the backend will be unavailable)';
  // npm points npm_config_node_gyp at a .js file; other tools may point at an executable script.
  const viaNode = /\.[cm]?js$/.test(gyp);
  const args = [
    ...(viaNode ? [gyp] : []),
    'rebuild',
    '--release',
    `--jobs=${Math.max(1, Math.min(4, availableParallelism()))}`,
  ];
  // Local Node headers (Debian's nodejs ships them) avoid a download, which offline machines cannot do.
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  const result = spawnSync(viaNode ? process.execPath : gyp, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 15 * 60 * 1000, // an install must never hang; a compile takes well under a minute
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    const log = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
    const hint = /(g\+\+|c\+\+|make|cc): (command )?not found|gyp ERR! find Python|spawn \S+ ENOENT/.test(log)
      ? 'a C++ toolchain is missing (apt-get install -y g++ make python3)'
      : 'the compiler reported errors';
    if (process.env.NER_CUDA_VERBOSE) console.log(log);
    return `addon build failed: ${hint}; the backend will be unavailable (set NER_CUDA_VERBOSE=1 for the compiler log)`;
  }
  return `addon built: ${output}`;
}

if (process.env.NER_CUDA_SKIP_BUILD) {
  console.log(`${tag} NER_CUDA_SKIP_BUILD is set: addon and fatbin not built.`);
  process.exit(0);
}
/**
 * One build at a time per package folder: `node-gyp rebuild` starts by deleting build/, so a
 * second build running meanwhile (pnpm build and a test run, two terminals) would break the
 * first. Waits up to 5 minutes for another holder; a lock older than 20 minutes is stale.
 */
function withBuildLock(fn) {
  const id = createHash('sha256').update(root).digest('hex').slice(0, 16);
  const lock = join(tmpdir(), `ner-cuda-build-${id}.lock`);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 5 * 60 * 1000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
      if (age > 20 * 60 * 1000) rmSync(lock, { force: true });
      else if (Date.now() > deadline) return console.log(`${tag} another build holds ${lock}: skipped`);
      else Atomics.wait(sleeper, 0, 0, 500);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

try {
  withBuildLock(() => {
    console.log(`${tag} ${buildAddon()}`);
    console.log(`${tag} ${buildFatbin({ force }).message}`);
  });
} catch (error) {
  console.log(`${tag} build skipped: ${error instanceof Error ? error.message : String(error)}`);
}
process.exit(0);
