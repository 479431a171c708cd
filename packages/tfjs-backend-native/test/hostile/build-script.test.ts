// scripts/build-addon.mjs on machines that cannot build: it never fails the install, prints one
// line, and records why in build/ner-build.json (what the backend's "unavailable" line reads).
// Runs in a copy laid out as the published package (the shared build steps in dist/), so the
// addon other tests load is left alone.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { missingAddonReason } from '../../src/build-status.js';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
const shipped = join(packageRoot, 'dist', 'native-build.mjs');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function publishedCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ner-native-build-script-'));
  dirs.push(dir);
  for (const path of ['binding.gyp', 'src/addon', 'scripts/build-addon.mjs', 'dist/native-build.mjs']) {
    cpSync(join(packageRoot, path), join(dir, path), { recursive: true });
  }
  // A folder with nothing on it: no python3, make or g++ (node is spawned by its full path).
  mkdirSync(join(dir, 'empty-bin'));
  return dir;
}

const cases = [
  {
    name: 'NER_NATIVE_SKIP_BUILD',
    env: (_dir: string) => ({ NER_NATIVE_SKIP_BUILD: '1' }),
    line: '[@ner/tfjs-backend-native] NER_NATIVE_SKIP_BUILD is set: addon not built.',
    record: { built: false, failure: 'skipped', detail: 'NER_NATIVE_SKIP_BUILD was set' },
  },
  {
    name: 'no Python, make or compiler on the PATH',
    env: (dir: string) => ({ PATH: join(dir, 'empty-bin'), NER_NATIVE_SKIP_BUILD: '' }),
    line:
      '[@ner/tfjs-backend-native] addon build failed: a C++ toolchain is missing (apt-get install -y g++ make python3); ' +
      'the backend will be unavailable (set NER_NATIVE_VERBOSE=1 for the compiler log).',
    record: { built: false, failure: 'toolchain' },
  },
];

describe.skipIf(!existsSync(shipped))('build-addon.mjs where the addon cannot be built', () => {
  it.each(cases)('$name: one line, exit 0, the reason recorded', ({ env, line, record }) => {
    const dir = publishedCopy();
    const result = spawnSync(process.execPath, ['scripts/build-addon.mjs', '--force'], {
      cwd: dir,
      encoding: 'utf8',
      // node-gyp looks for Python in these before the PATH.
      env: { ...process.env, PYTHON: '', npm_config_python: '', NER_NATIVE_VERBOSE: '', ...env(dir) },
      timeout: 120_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([line]);
    expect(existsSync(join(dir, 'build', 'Release', 'ner_native.node'))).toBe(false);
    const status = JSON.parse(readFileSync(join(dir, 'build', 'ner-build.json'), 'utf8'));
    expect(status).toMatchObject(record);
  });
});

describe.skipIf(!existsSync(shipped))('build-addon.mjs while another build holds the lock', () => {
  it('waits NER_BUILD_LOCK_WAIT_S, then says so in one line and records it (not "never ran")', async () => {
    const dir = publishedCopy();
    const { buildLockPath } = await import('../../../../tools/native-build/index.mjs');
    const lock = buildLockPath(dir);
    // The test's own pid: a holder that is alive, so the lock is not stale.
    writeFileSync(lock, String(process.pid));
    try {
      const result = spawnSync(process.execPath, ['scripts/build-addon.mjs', '--force'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NER_NATIVE_SKIP_BUILD: '', NER_BUILD_LOCK_WAIT_S: '0' },
        timeout: 60_000,
      });
      expect(result.status).toBe(0);
      const held = `another build (pid ${process.pid}) held ${lock} for 0 s`;
      expect(result.stdout).toBe(`[@ner/tfjs-backend-native] build skipped: ${held}\n`);
      const status = JSON.parse(readFileSync(join(dir, 'build', 'ner-build.json'), 'utf8'));
      expect(status).toMatchObject({ built: false, failure: 'lock', detail: held });
      expect(missingAddonReason(status)).toBe(
        `the native addon was not built: ${held}, then run \`pnpm rebuild @ner/tfjs-backend-native\` ` +
          '(npm: `npm rebuild @ner/tfjs-backend-native`) once that build has ended',
      );
    } finally {
      rmSync(lock, { force: true });
    }
  });
});

it('a package without its shared build steps (dist/native-build.mjs) still installs: one line, exit 0', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ner-native-build-script-'));
  dirs.push(dir);
  cpSync(join(packageRoot, 'scripts', 'build-addon.mjs'), join(dir, 'scripts', 'build-addon.mjs'));
  const result = spawnSync(process.execPath, ['scripts/build-addon.mjs'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NER_NATIVE_SKIP_BUILD: '' },
    timeout: 60_000,
  });
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(
    /^\[@ner\/tfjs-backend-native\] addon not built: its build steps did not load \(.*native-build\.mjs.*\)\n$/,
  );
});

it('the package build ships the shared build steps in dist/ (the published install script imports them)', () => {
  expect(existsSync(shipped), `${shipped} is missing: run the package build first`).toBe(true);
  expect(
    readFileSync(shipped, 'utf8'),
    'dist/native-build.mjs differs from tools/native-build/index.mjs: run the package build',
  ).toBe(readFileSync(join(packageRoot, '..', '..', 'tools', 'native-build', 'index.mjs'), 'utf8'));
});
