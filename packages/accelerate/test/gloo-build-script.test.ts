// scripts/build-addon.mjs never fails an install: without libgloo, or when the compiler fails,
// it prints one line saying so and exits 0.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { missingGlooReason } from '../src/backends/gloo-addon.js';

// The compile-failure case needs a compiler to fail; without one the script reports that instead.
const hasCompiler = spawnSync('g++', ['--version']).status === 0;
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runScript(cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [join(cwd, 'scripts', 'build-addon.mjs'), '--force'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NER_GLOO_SKIP_BUILD: '', NER_GLOO_VERBOSE: '', ...env },
    timeout: 120_000,
  });
  return { code: result.status, lines: result.stdout.trim().split('\n') };
}

/** A copy of the package's build inputs in a temp folder (so a build there touches nothing here). */
function copyOfPackage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ner-gloo-build-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'scripts'));
  cpSync(join(packageRoot, 'scripts', 'build-addon.mjs'), join(dir, 'scripts', 'build-addon.mjs'));
  // The shared build steps, where the published package has them (dist/native-build.mjs).
  mkdirSync(join(dir, 'dist'));
  cpSync(
    join(packageRoot, '..', '..', 'tools', 'native-build', 'index.mjs'),
    join(dir, 'dist', 'native-build.mjs'),
  );
  cpSync(join(packageRoot, 'binding.gyp'), join(dir, 'binding.gyp'));
  cpSync(join(packageRoot, 'native'), join(dir, 'native'), { recursive: true });
  return dir;
}

describe('gloo addon build script', () => {
  it('without libgloo: one line with the apt command, exit 0', () => {
    const dir = copyOfPackage();
    const { code, lines } = runScript(dir, { NER_GLOO_PREFIX: join(dir, 'no-gloo-here') });
    expect(code).toBe(0);
    expect(lines).toEqual([
      `[@ner/accelerate] libgloo not found (no gloo/allreduce.h under ${join(dir, 'no-gloo-here')}): gloo addon not built; run \`apt-get install -y libgloo-dev\` to enable multi-process CPU training.`,
    ]);
    // What loadGloo() then says, from the record the script left.
    expect(missingGlooReason([join(dir, 'build')])).toBe(
      `the gloo addon was not built: libgloo was not found at install (no gloo/allreduce.h under ${join(dir, 'no-gloo-here')}; apt-get install -y libgloo-dev), then run \`pnpm rebuild @ner/accelerate\` (npm: \`npm rebuild @ner/accelerate\`)`,
    );
  });

  it('with no record, a missing addon is an install script that never ran, with the pnpm line', () => {
    const dir = copyOfPackage();
    const reason = missingGlooReason([join(dir, 'build')]);
    expect(reason).toMatch(/^the gloo addon was never built: its install script did not run \(pnpm 10/);
    expect(reason).toContain('onlyBuiltDependencies: ["@ner/accelerate"]');
  });

  it('while another build holds the lock past NER_BUILD_LOCK_WAIT_S: one line, exit 0, and a record saying so', async () => {
    const dir = copyOfPackage();
    const { buildLockPath } = await import('../../../tools/native-build/index.mjs');
    const lock = buildLockPath(dir);
    // The test's own pid: a holder that is alive, so the lock is not stale.
    writeFileSync(lock, String(process.pid));
    try {
      const { code, lines } = runScript(dir, { NER_BUILD_LOCK_WAIT_S: '0' });
      expect(code).toBe(0);
      const held = `another build (pid ${process.pid}) held ${lock} for 0 s`;
      expect(lines).toEqual([`[@ner/accelerate] gloo addon build skipped: ${held}`]);
      expect(missingGlooReason([join(dir, 'build')])).toBe(
        `the gloo addon was not built: ${held}, then run \`pnpm rebuild @ner/accelerate\` ` +
          '(npm: `npm rebuild @ner/accelerate`) once that build has ended',
      );
    } finally {
      rmSync(lock, { force: true });
    }
  });

  it.skipIf(!hasCompiler)('when the compiler fails: one line, exit 0', () => {
    const dir = copyOfPackage();
    writeFileSync(join(dir, 'native', 'gloo', 'addon.cc'), '#error deliberately broken for the test\n');
    const { code, lines } = runScript(dir, { NER_GLOO_PREFIX: '' });
    expect(code).toBe(0);
    expect(lines.at(-1)).toBe(
      '[@ner/accelerate] gloo addon build failed: the compiler reported errors; multi-process CPU training will be unavailable (set NER_GLOO_VERBOSE=1 for the compiler log).',
    );
    expect(missingGlooReason([join(dir, 'build')])).toBe(
      "the gloo addon failed to compile (NER_GLOO_VERBOSE=1 pnpm rebuild @ner/accelerate shows the compiler's log)",
    );
  });
});
