#!/usr/bin/env node
// Builds the N-API addon with node-gyp. It never fails the install or the build:
// without a compiler or OpenBLAS it prints one line and the package stays usable
// (the backend reports itself unavailable and @ner/models falls back to wasm).
// Skips the compile when build/Release/ner_native.node is newer than every source.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'build', 'Release', 'ner_native.node');
const force = process.argv.includes('--force');

if (process.env.NER_NATIVE_SKIP_BUILD) {
  console.log('[@ner/tfjs-backend-native] NER_NATIVE_SKIP_BUILD is set: addon not built.');
  process.exit(0);
}

function newestSource() {
  const files = [
    join(root, 'binding.gyp'),
    ...readdirSync(join(root, 'src', 'addon')).map((f) => join(root, 'src', 'addon', f)),
  ];
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

if (!force && existsSync(output) && statSync(output).mtimeMs >= newestSource()) {
  console.log('[@ner/tfjs-backend-native] addon up to date');
  process.exit(0);
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
  console.log(
    '[@ner/tfjs-backend-native] node-gyp not found: addon not built (the backend will be unavailable).',
  );
  process.exit(0);
}
// npm points npm_config_node_gyp at a .js file; other tools may point at an executable script.
const viaNode = /\.[cm]?js$/.test(gyp);
const args = [
  ...(viaNode ? [gyp] : []),
  'rebuild',
  '--release',
  `--jobs=${Math.max(1, Math.min(4, (await import('node:os')).availableParallelism()))}`,
];
// Local Node headers (Debian's nodejs ships them) avoid a download, which offline machines cannot do.
const prefix = resolve(dirname(process.execPath), '..');
if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
const result = spawnSync(viaNode ? process.execPath : gyp, args, {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
  encoding: 'utf8',
  // An install must never hang: a compile takes well under a minute.
  timeout: 15 * 60 * 1000,
  maxBuffer: 64 * 1024 * 1024,
});
if (result.status !== 0) {
  const log = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  const hint = /cblas\.h: No such file|cannot find -lopenblas/.test(log)
    ? 'OpenBLAS is missing (apt-get install -y libopenblas-dev)'
    : /(g\+\+|c\+\+|make|cc): (command )?not found|gyp ERR! find Python|spawn \S+ ENOENT/.test(log)
      ? 'a C++ toolchain is missing (apt-get install -y g++ make python3)'
      : 'the compiler reported errors';
  if (process.env.NER_NATIVE_VERBOSE) console.log(log);
  console.log(
    `[@ner/tfjs-backend-native] addon build failed: ${hint}; the backend will be unavailable (set NER_NATIVE_VERBOSE=1 for the compiler log).`,
  );
  process.exit(0);
}
console.log(`[@ner/tfjs-backend-native] addon built: ${output}`);
