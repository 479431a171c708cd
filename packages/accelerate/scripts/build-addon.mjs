#!/usr/bin/env node
// Builds the gloo N-API addon (native/gloo, linked against Debian's libgloo-dev) with node-gyp.
// It never fails the install or the build: without libgloo, a compiler or node-gyp it prints one
// line and exits 0; at run time loadGloo() then reports "unavailable: <reason>", and only
// multi-process CPU training (which needs the engine) fails, with the apt line to run.
// Skips the compile when build/Release/ner_gloo.node is newer than every source.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const tag = '[@ner/accelerate]';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'build', 'Release', 'ner_gloo.node');
const force = process.argv.includes('--force');
const APT_HINT = 'apt-get install -y libgloo-dev';

if (process.env.NER_GLOO_SKIP_BUILD) {
  console.log(`${tag} NER_GLOO_SKIP_BUILD is set: gloo addon not built.`);
  process.exit(0);
}

function newestSource() {
  const dir = join(root, 'native', 'gloo');
  const files = [join(root, 'binding.gyp'), ...readdirSync(dir).map((f) => join(dir, f))];
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

if (!force && existsSync(output) && statSync(output).mtimeMs >= newestSource()) {
  console.log(`${tag} gloo addon up to date`);
  process.exit(0);
}

// Where libgloo lives: NER_GLOO_PREFIX (a gloo built from source), else Debian's /usr, else
// /usr/local. Checked before node-gyp so the message names the missing package, not a compiler error.
const prefixes = process.env.NER_GLOO_PREFIX ? [process.env.NER_GLOO_PREFIX] : ['/usr', '/usr/local'];
const glooPrefix = prefixes.find((p) => existsSync(join(p, 'include', 'gloo', 'allreduce.h')));
if (!glooPrefix) {
  console.log(
    `${tag} libgloo not found (no gloo/allreduce.h under ${prefixes.join(' or ')}): gloo addon not built; run \`${APT_HINT}\` to enable multi-process CPU training.`,
  );
  process.exit(0);
}

/** node-gyp: the one npm/pnpm point us at, a local install, or the copy bundled with npm. */
function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {}
  const prefix = resolve(dirname(process.execPath), '..');
  candidates.push(join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((c) => c && existsSync(c));
}

const gyp = nodeGyp();
if (!gyp) {
  console.log(`${tag} node-gyp not found: gloo addon not built (multi-process CPU training will be unavailable).`);
  process.exit(0);
}
const viaNode = /\.[cm]?js$/.test(gyp);
const args = [
  ...(viaNode ? [gyp] : []),
  'rebuild',
  '--release',
  `--jobs=${Math.max(1, Math.min(4, availableParallelism()))}`,
  // node-gyp hands unknown --name=value options to gyp as variables (binding.gyp's gloo_prefix).
  `--gloo_prefix=${glooPrefix}`,
];
// Node's own headers (Debian's nodejs ships them) avoid a download, which offline machines cannot do.
const prefix = resolve(dirname(process.execPath), '..');
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
const result = spawnSync(viaNode ? process.execPath : gyp, args, {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
  encoding: 'utf8',
  // An install must never hang: the compile takes well under a minute.
  timeout: 10 * 60 * 1000,
  maxBuffer: 64 * 1024 * 1024,
});
if (result.status !== 0) {
  const log = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  const hint = /gloo\/\S+\.h: No such file|cannot find -lgloo/.test(log)
    ? `libgloo is missing (${APT_HINT})`
    : /(g\+\+|c\+\+|make|cc): (command )?not found|gyp ERR! find Python|spawn \S+ ENOENT/.test(log)
      ? 'a C++ toolchain is missing (apt-get install -y g++ make python3)'
      : 'the compiler reported errors';
  if (process.env.NER_GLOO_VERBOSE) console.log(log);
  console.log(`${tag} gloo addon build failed: ${hint}; multi-process CPU training will be unavailable (set NER_GLOO_VERBOSE=1 for the compiler log).`);
  process.exit(0);
}
console.log(`${tag} gloo addon built: ${output}`);
