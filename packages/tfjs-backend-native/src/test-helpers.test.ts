// The comparison helpers themselves: a NaN result must never pass as close (issue 14, item 10:
// fused.test.ts once skipped NaN entries), and the addon must be there under CI.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addonError } from './addon.js';
import { HAS_ADDON, UNDER_CI, addonMissingMessage, worstMismatch } from './test-helpers.js';

const require = createRequire(import.meta.url);

describe('worstMismatch', () => {
  it('measures |got - want| / (atol + rtol |want|) and says where', () => {
    expect(worstMismatch([1, 2.5, 3], [1, 2, 3], 0.1, 0.2)).toEqual({ worst: 0.5 / (0.1 + 0.4), at: 1 });
    expect(worstMismatch([1, 2], [1, 2], 0, 0)).toEqual({ worst: 0, at: -1 });
  });

  it('fails a NaN result where the reference is a number', () => {
    const { worst, at } = worstMismatch([1, Number.NaN, 3], [1, 2, 3], 1e-3, 1e-3);
    expect(worst).toBe(Number.POSITIVE_INFINITY);
    expect(at).toBe(1);
  });

  it('fails a number where the reference is NaN', () => {
    expect(worstMismatch([0], [Number.NaN], 1, 1).worst).toBe(Number.POSITIVE_INFINITY);
  });

  it('accepts NaN only against NaN, and equal infinities', () => {
    const inf = Number.POSITIVE_INFINITY;
    expect(worstMismatch([Number.NaN, inf, -inf], [Number.NaN, inf, -inf], 0, 0).worst).toBe(0);
    expect(worstMismatch([inf], [-inf], 1, 1).worst).toBe(inf);
    expect(worstMismatch([inf], [1], 1, 1).worst).toBe(inf);
  });
});

describe('the native addon under CI', () => {
  // Installing never fails by design (no compiler: the package still imports), so without
  // this a CI machine that lost g++ or OpenBLAS would turn every native test into a skip.
  it.skipIf(!UNDER_CI)('is built and loads when CI is set (fails with the load error otherwise)', () => {
    expect(HAS_ADDON, addonMissingMessage()).toBe(true);
    expect(addonError).toBeNull();
  });

  // Runs vitest on two files in a child process with the addon switched off and CI set: both
  // the check above and a describeWithAddon suite must fail, naming why the addon is missing.
  it.skipIf(Boolean(process.env.NER_TEST_CI_CHILD))(
    'turns missing-addon skips into failures under CI',
    () => {
      const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
      const run = spawnSync(
        process.execPath,
        [
          join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs'),
          'run',
          'src/test-helpers.test.ts',
          'src/adamw.test.ts',
        ],
        {
          cwd: packageDir,
          encoding: 'utf8',
          env: { ...process.env, CI: '1', NER_NATIVE_DISABLE: '1', NER_TEST_CI_CHILD: '1', NO_COLOR: '1' },
          timeout: 120_000,
        },
      );
      const output = `${run.stdout}${run.stderr}`;
      expect(run.status, output).toBe(1);
      expect(output).toContain('is built and loads when CI is set');
      expect(output).toContain('needs the native addon');
      expect(output).toContain(
        'the native addon is not available under CI (CI=1): disabled by NER_NATIVE_DISABLE',
      );
      expect(output).not.toContain('native kernel tests skipped');
    },
    120_000,
  );
});
