// scripts/build-addon.mjs never fails an install: NER_CUDA_SKIP_BUILD skips it with one line,
// and an up-to-date build is not redone. Each run leaves a record from which a missing addon says
// why it is missing; no record means the install script never ran (pnpm 10 without approval).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADDON_PATH, FATBIN_PATH, missingCudaAddonReason } from '../../src/addon.js';

const root = join(import.meta.dirname, '..', '..');
const script = join(root, 'scripts', 'build-addon.mjs');
const sharedSteps = join(root, '..', '..', 'tools', 'native-build', 'index.mjs');
const copies = mkdtempSync(join(tmpdir(), 'ner-cuda-build-script-'));
afterAll(() => rmSync(copies, { recursive: true, force: true }));

describe('build-addon.mjs', () => {
  it('honours NER_CUDA_SKIP_BUILD with one line and exit 0, and records it', () => {
    // A copy laid out as the published package (the shared build steps in dist/), so the record
    // it writes does not replace this package's own.
    const copy = join(copies, 'skip');
    cpSync(join(root, 'scripts'), join(copy, 'scripts'), { recursive: true });
    mkdirSync(join(copy, 'dist'));
    cpSync(sharedSteps, join(copy, 'dist', 'native-build.mjs'));
    const run = spawnSync(process.execPath, [join(copy, 'scripts', 'build-addon.mjs')], {
      encoding: 'utf8',
      env: { ...process.env, NER_CUDA_SKIP_BUILD: '1' },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      '[@ner/tfjs-backend-cuda] NER_CUDA_SKIP_BUILD is set: addon and fatbin not built.\n',
    );
    const record = join(copy, 'build', 'ner-build.json');
    expect(JSON.parse(readFileSync(record, 'utf8'))).toMatchObject({
      built: false,
      failure: 'skipped',
      detail: 'NER_CUDA_SKIP_BUILD was set',
    });
    expect(missingCudaAddonReason(record)).toBe('the CUDA addon was not built: NER_CUDA_SKIP_BUILD was set');
  });

  it('while another build holds the lock past NER_BUILD_LOCK_WAIT_S: one line, exit 0, and a record saying so', async () => {
    const copy = join(copies, 'locked');
    cpSync(join(root, 'scripts'), join(copy, 'scripts'), { recursive: true });
    mkdirSync(join(copy, 'dist'));
    cpSync(sharedSteps, join(copy, 'dist', 'native-build.mjs'));
    const { buildLockPath } = await import('../../../../tools/native-build/index.mjs');
    const lock = buildLockPath(copy);
    // The test's own pid: a holder that is alive, so the lock is not stale.
    writeFileSync(lock, String(process.pid));
    try {
      const run = spawnSync(process.execPath, [join(copy, 'scripts', 'build-addon.mjs')], {
        encoding: 'utf8',
        env: { ...process.env, NER_CUDA_SKIP_BUILD: '', NER_BUILD_LOCK_WAIT_S: '0' },
        timeout: 60_000,
      });
      expect(run.status).toBe(0);
      const held = `another build (pid ${process.pid}) held ${lock} for 0 s`;
      expect(run.stdout).toBe(`[@ner/tfjs-backend-cuda] build skipped: ${held}\n`);
      const record = join(copy, 'build', 'ner-build.json');
      expect(JSON.parse(readFileSync(record, 'utf8'))).toMatchObject({
        built: false,
        failure: 'lock',
        detail: held,
      });
      expect(missingCudaAddonReason(record)).toBe(
        `the CUDA addon was not built: ${held}, then run \`pnpm rebuild @ner/tfjs-backend-cuda\` ` +
          '(npm: `npm rebuild @ner/tfjs-backend-cuda`) once that build has ended',
      );
    } finally {
      rmSync(lock, { force: true });
    }
  });

  it('with no record, a missing addon is an install script that never ran, with the pnpm line', () => {
    const reason = missingCudaAddonReason(join(copies, 'nowhere', 'ner-build.json'));
    expect(reason).toMatch(/^the CUDA addon was never built: its install script did not run \(pnpm 10/);
    expect(reason).toContain('onlyBuiltDependencies: ["@ner/tfjs-backend-cuda"]');
    expect(reason).toContain('pnpm rebuild @ner/tfjs-backend-cuda');
  });

  it.runIf(existsSync(ADDON_PATH) && existsSync(FATBIN_PATH))('skips what is up to date', () => {
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env } });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('[@ner/tfjs-backend-cuda] addon up to date');
    expect(run.stdout).toContain('[@ner/tfjs-backend-cuda] fatbin up to date');
  });
});
