// scripts/build-addon.mjs never fails an install: NER_CUDA_SKIP_BUILD skips it with one line,
// and an up-to-date build is not redone.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADDON_PATH, FATBIN_PATH } from '../../src/addon.js';

const root = join(import.meta.dirname, '..', '..');
const script = join(root, 'scripts', 'build-addon.mjs');

describe('build-addon.mjs', () => {
  it('honours NER_CUDA_SKIP_BUILD with one line and exit 0', () => {
    const run = spawnSync(process.execPath, [script], {
      encoding: 'utf8',
      env: { ...process.env, NER_CUDA_SKIP_BUILD: '1' },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      '[@ner/tfjs-backend-cuda] NER_CUDA_SKIP_BUILD is set: addon and fatbin not built.\n',
    );
  });

  it.runIf(existsSync(ADDON_PATH) && existsSync(FATBIN_PATH))('skips what is up to date', () => {
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env } });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('[@ner/tfjs-backend-cuda] addon up to date');
    expect(run.stdout).toContain('[@ner/tfjs-backend-cuda] fatbin up to date');
  });
});
