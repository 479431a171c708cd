// The steps every @ner N-API addon build shares (tfjs-backend-native, tfjs-backend-cuda,
// accelerate's gloo addon): find node-gyp, run `node-gyp rebuild` offline with gyp variables,
// skip it when the addon is newer than its sources, say in one line why a build failed, record
// the outcome, and keep two builds of one package from running at once.
//
// Plain ESM with no dependencies: it runs during `pnpm install` in a fresh clone, before any
// TypeScript is built. Each package's scripts/build-addon.mjs imports it from here in the
// repository and copies it to its dist/native-build.mjs (copyNativeBuild), which the published
// package's script imports instead: `npm install` runs it with no tools/ beside the package.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What to install when the log shows no compiler, make or Python. */
export const TOOLCHAIN_HINT = 'a C++ toolchain is missing (apt-get install -y g++ make python3)';

const TOOLCHAIN_FAILURE =
  /(g\+\+|c\+\+|cc|make): (command )?not found|not found: (make|g\+\+|c\+\+)|gyp ERR! find Python|spawn \S+ ENOENT|ETIMEDOUT/;

/** node-gyp: the one npm/pnpm point us at, a local install, or the copy bundled with npm. */
export function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {}
  const npmModules = ['lib', 'node_modules', 'npm', 'node_modules'];
  const prefix = resolve(dirname(process.execPath), '..');
  candidates.push(join(prefix, ...npmModules, 'node-gyp', 'bin', 'node-gyp.js'));
  // Windows-style layout: npm beside node.exe.
  candidates.push(join(dirname(process.execPath), ...npmModules.slice(1), 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((c) => c && existsSync(c));
}

/**
 * Whether `output` is newer than every one of `inputs` (files, or folders whose files count;
 * vitest files beside the sources do not).
 */
export function isUpToDate(output, inputs) {
  if (!existsSync(output)) return false;
  const files = inputs.flatMap((path) =>
    statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((name) => !name.endsWith('.test.ts'))
          .map((name) => join(path, name))
      : [path],
  );
  return statSync(output).mtimeMs >= Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/**
 * One `node-gyp rebuild --release` in `root`. `variables` become gyp variables (node-gyp hands
 * `--name=value` options it does not know to gyp). Returns `{ ok, log }` and never throws.
 */
export function runNodeGyp(gyp, root, { variables = {}, timeoutMinutes = 15 } = {}) {
  // npm points npm_config_node_gyp at a .js file; other tools may point at an executable script.
  const viaNode = /\.[cm]?js$/.test(gyp);
  const args = [
    ...(viaNode ? [gyp] : []),
    'rebuild',
    '--release',
    `--jobs=${Math.max(1, Math.min(4, availableParallelism()))}`,
    ...Object.entries(variables).map(([name, value]) => `--${name}=${value}`),
  ];
  // Local Node headers (Debian's nodejs ships them) avoid a download, which offline machines cannot do.
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  const result = spawnSync(viaNode ? process.execPath : gyp, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    // An install must never hang: a compile takes a minute or two on a loaded machine.
    timeout: timeoutMinutes * 60 * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const log = `${result.stdout ?? ''}\n${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}`;
  return { ok: result.status === 0, log };
}

/**
 * Why a build failed, from its log: `{ failure: 'toolchain' | 'errors' | <a rule's failure>,
 * hint }`. `rules` (`{ pattern, failure, hint }`, checked first) name a package's own causes,
 * such as a missing library.
 */
export function explainFailure(log, rules = []) {
  const rule = rules.find((r) => r.pattern.test(log));
  if (rule) return { failure: rule.failure, hint: rule.hint };
  if (TOOLCHAIN_FAILURE.test(log)) return { failure: 'toolchain', hint: TOOLCHAIN_HINT };
  return { failure: 'errors', hint: 'the compiler reported errors' };
}

/**
 * The one line a failed build prints (the compiler's log first when `verboseVar` is set):
 * "<what> build failed: <hint>; <consequence> (set <verboseVar>=1 for the compiler log)".
 */
export function failureLine({ what, hint, consequence, verboseVar, log }) {
  if (process.env[verboseVar]) console.log(log);
  return `${what} build failed: ${hint}; ${consequence} (set ${verboseVar}=1 for the compiler log)`;
}

/** Writes a build record as JSON (with the date), for a package to read at load time. */
export function writeBuildRecord(file, record) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...record, date: new Date().toISOString() }, null, 2)}\n`);
}

/** The lock file of the builds of the package at `root` (in the temp folder, holding the builder's pid). */
export function buildLockPath(root) {
  const id = createHash('sha256').update(root).digest('hex').slice(0, 16);
  return join(tmpdir(), `ner-addon-build-${id}.lock`);
}

/** Whether the process that wrote `lock` (its pid inside) has gone, e.g. a build killed midway. */
function holderIsGone(lock) {
  const pid = readLockHolder(lock);
  if (pid === undefined) return false; // just released, or still being written: look again
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
}

/** How long a build waits for another holder of its lock: NER_BUILD_LOCK_WAIT_S seconds, or 5 minutes. */
function lockWaitMs() {
  const seconds = Number(process.env.NER_BUILD_LOCK_WAIT_S);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 5 * 60 * 1000;
}

/**
 * Runs `fn` holding a lock for `root`: `node-gyp rebuild` starts by deleting build/, so a second
 * build of the same package running meanwhile (pnpm build and a test run, two terminals) would
 * break the first. Waits up to 5 minutes (NER_BUILD_LOCK_WAIT_S) for another holder, then throws
 * naming the lock and its holder; a lock whose process has gone, or older than 20 minutes, is
 * stale. `fn` must return rather than call process.exit (the lock would stay until then).
 */
export function withBuildLock(root, fn) {
  const lock = buildLockPath(root);
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const waitMs = lockWaitMs();
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      // E.g. an unwritable temp folder: no waiting helps.
      if (error.code !== 'EEXIST') throw new BuildLockError(`cannot take ${lock}: ${error.message}`);
      const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
      if (age > 20 * 60 * 1000 || holderIsGone(lock)) rmSync(lock, { force: true });
      else if (Date.now() >= deadline) {
        const holder = readLockHolder(lock);
        const who = holder ? `another build (pid ${holder})` : 'another build';
        throw new BuildLockError(`${who} held ${lock} for ${Math.round(waitMs / 1000)} s`);
      } else Atomics.wait(sleeper, 0, 0, Math.min(500, Math.max(1, deadline - Date.now())));
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** The pid written in `lock`, or undefined when it is gone or unreadable. */
function readLockHolder(lock) {
  try {
    const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The build did not start: another build held its lock past the wait, or the lock was unwritable. */
export class BuildLockError extends Error {
  name = 'BuildLockError';
}

/**
 * Runs `build` under the package's lock (withBuildLock) and prints each line it returns after
 * `tag`. A lock it cannot take, or an unexpected throw, ends in one line and a record in
 * `recordFile` saying why (failure 'lock' or 'errors'), never in a failed install; a holder that
 * finishes later writes its own record over this one.
 */
export function runLockedBuild({ root, recordFile, tag, what }, build) {
  try {
    const lines = withBuildLock(root, build);
    for (const line of Array.isArray(lines) ? lines : [lines]) console.log(`${tag} ${line}`);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const failure = error instanceof BuildLockError ? 'lock' : 'errors';
    writeBuildRecord(recordFile, { built: false, failure, detail });
    console.log(`${tag} ${what} skipped: ${detail}`);
  }
}

/**
 * Copies this file to `<packageRoot>/dist/native-build.mjs`, where a published package's
 * scripts/build-addon.mjs finds it. `pnpm build` runs the script after tsup (which empties dist/).
 */
export function copyNativeBuild(packageRoot) {
  const target = join(packageRoot, 'dist', 'native-build.mjs');
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(fileURLToPath(import.meta.url), target);
}
