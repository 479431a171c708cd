// The build steps every @ner addon script shares (tools/native-build, shipped as dist/native-build.mjs):
// what a failed compile's log is taken to mean, and when a build counts as up to date.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  BuildLockError,
  buildLockPath,
  explainFailure,
  runLockedBuild,
  isUpToDate,
  TOOLCHAIN_HINT,
  withBuildLock,
} from '../../../tools/native-build/index.mjs';

describe('explainFailure', () => {
  it.each([
    ['make: g++: command not found', 'toolchain'],
    ['gyp ERR! find Python', 'toolchain'],
    ['Error: spawn make ENOENT', 'toolchain'],
    ["binding.cc:3:10: error: 'foo' was not declared in this scope", 'errors'],
  ])('%s -> %s', (log, failure) => {
    const explained = explainFailure(log);
    expect(explained.failure).toBe(failure);
    expect(explained.hint).toBe(failure === 'toolchain' ? TOOLCHAIN_HINT : 'the compiler reported errors');
  });

  it("a package's own rule comes before the generic ones", () => {
    const libgloo = { pattern: /cannot find -lgloo/, failure: 'library', hint: 'libgloo is missing' };
    expect(
      explainFailure('/usr/bin/ld: cannot find -lgloo\nmake: g++: command not found', [libgloo]),
    ).toEqual({
      failure: 'library',
      hint: 'libgloo is missing',
    });
    expect(explainFailure('gyp ERR! find Python', [libgloo]).failure).toBe('toolchain');
  });
});

describe('isUpToDate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ner-native-build-steps-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('compares the output with every source file (test files beside the sources do not count)', () => {
    const sources = join(dir, 'src');
    mkdirSync(sources);
    const gyp = join(dir, 'binding.gyp');
    const output = join(dir, 'addon.node');
    for (const file of [gyp, join(sources, 'a.cc'), join(sources, 'a.test.ts')]) writeFileSync(file, '');
    expect(isUpToDate(output, [gyp, sources])).toBe(false);
    writeFileSync(output, '');
    const at = (seconds: number) => new Date(1_700_000_000_000 + seconds * 1000);
    utimesSync(gyp, at(0), at(0));
    utimesSync(join(sources, 'a.cc'), at(1), at(1));
    utimesSync(join(sources, 'a.test.ts'), at(5), at(5));
    utimesSync(output, at(2), at(2));
    expect(isUpToDate(output, [gyp, sources])).toBe(true);
    utimesSync(join(sources, 'a.cc'), at(3), at(3));
    expect(isUpToDate(output, [gyp, sources])).toBe(false);
  });
});

describe('withBuildLock', () => {
  const root = mkdtempSync(join(tmpdir(), 'ner-native-build-lock-'));
  afterAll(() => {
    rmSync(buildLockPath(root), { force: true });
    rmSync(root, { recursive: true, force: true });
  });

  it('holds the lock (with its pid) while the build runs, and releases it after', () => {
    const lock = buildLockPath(root);
    const seen = withBuildLock(root, () => readFileSync(lock, 'utf8'));
    expect(seen).toBe(String(process.pid));
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over at once a lock whose builder has gone (a build killed midway)', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.pid'], { timeout: 30_000 }).pid;
    expect(gone).toBeGreaterThan(0);
    writeFileSync(buildLockPath(root), String(gone));
    const started = Date.now();
    expect(withBuildLock(root, () => 'built')).toBe('built');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives up after NER_BUILD_LOCK_WAIT_S on a lock whose builder lives, naming the lock and its pid', () => {
    const lock = buildLockPath(root);
    // This process is alive, so its pid in the lock is a build still running.
    writeFileSync(lock, String(process.pid));
    const saved = process.env.NER_BUILD_LOCK_WAIT_S;
    process.env.NER_BUILD_LOCK_WAIT_S = '0.2';
    let ran = false;
    try {
      expect(() =>
        withBuildLock(root, () => {
          ran = true;
        }),
      ).toThrow(new BuildLockError(`another build (pid ${process.pid}) held ${lock} for 0 s`));
    } finally {
      if (saved === undefined) delete process.env.NER_BUILD_LOCK_WAIT_S;
      else process.env.NER_BUILD_LOCK_WAIT_S = saved;
      rmSync(lock, { force: true });
    }
    expect(ran).toBe(false);
  });
});

describe('runLockedBuild', () => {
  const root = mkdtempSync(join(tmpdir(), 'ner-native-locked-build-'));
  const recordFile = join(root, 'build', 'ner-build.json');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('prints each returned line after the tag, holding the lock meanwhile', () => {
    const logged = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      runLockedBuild({ root, recordFile, tag: '[t]', what: 'build' }, () => [
        `locked: ${existsSync(buildLockPath(root))}`,
        'second',
      ]);
      expect(logged.mock.calls).toEqual([['[t] locked: true'], ['[t] second']]);
    } finally {
      logged.mockRestore();
    }
    expect(existsSync(recordFile)).toBe(false);
  });

  it('an unexpected throw is one line and an "errors" record, not a lock failure', () => {
    const logged = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      runLockedBuild({ root, recordFile, tag: '[t]', what: 'build' }, () => {
        throw new Error('disk full');
      });
      expect(logged.mock.calls).toEqual([['[t] build skipped: disk full']]);
    } finally {
      logged.mockRestore();
    }
    expect(JSON.parse(readFileSync(recordFile, 'utf8'))).toMatchObject({
      built: false,
      failure: 'errors',
      detail: 'disk full',
    });
    expect(existsSync(buildLockPath(root))).toBe(false);
  });
});
