// The one line a user sees about the addon: what the install script recorded, turned into what
// really happened (script never ran, no toolchain, compile errors) and the backend line's reason.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as buildStatus from '../src/build-status.js';

const { describeGemm, missingAddonReason, PNPM_ALLOW_BUILD_LINE, readBuildStatus } = buildStatus;

describe('missingAddonReason', () => {
  it('no record: the install script never ran, with the pnpm line that allows it', () => {
    const reason = missingAddonReason(null);
    expect(reason).toMatch(/^the native addon was never built: its install script did not run/);
    expect(reason).toContain(PNPM_ALLOW_BUILD_LINE);
    expect(reason).toContain('onlyBuiltDependencies: ["@ner/tfjs-backend-native"] in pnpm-workspace.yaml');
    expect(reason).toContain('pnpm rebuild @ner/tfjs-backend-native');
    expect(reason).not.toMatch(/apt-get/);
  });

  it('a missing toolchain names the packages to install, compiler errors do not', () => {
    expect(missingAddonReason({ built: false, failure: 'toolchain' })).toMatch(
      /no C\+\+ toolchain was found at install \(apt-get install -y g\+\+ make python3\)/,
    );
    const errors = missingAddonReason({ built: false, failure: 'errors' });
    expect(errors).toMatch(/failed to compile \(NER_NATIVE_VERBOSE=1 pnpm rebuild/);
    expect(errors).not.toMatch(/apt-get/);
    expect(
      missingAddonReason({ built: false, failure: 'skipped', detail: 'NER_NATIVE_SKIP_BUILD was set' }),
    ).toBe('the native addon was not built: NER_NATIVE_SKIP_BUILD was set');
  });
});

describe('describeGemm', () => {
  it('says which kernel runs and whether OpenBLAS is there, and why not', () => {
    expect(
      describeGemm('avx512', false, { built: true, openblas: false, detail: 'OpenBLAS not found (...)' }),
    ).toBe('AVX-512 GEMM, OpenBLAS not found');
    expect(describeGemm('avx2', false, null)).toBe('AVX2 GEMM, OpenBLAS not found');
    expect(
      describeGemm('generic', false, { built: true, detail: 'OpenBLAS hidden by NER_NATIVE_NO_OPENBLAS=1' }),
    ).toBe('portable GEMM, OpenBLAS left out by NER_NATIVE_NO_OPENBLAS=1');
    expect(describeGemm('avx512', true, null)).toBe('AVX-512 GEMM, OpenBLAS linked');
    expect(describeGemm('openblas', true, null)).toBe('OpenBLAS GEMM');
  });
});

describe('readBuildStatus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ner-native-status-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the record, and gives null for a missing, malformed, wrong-shaped or oversized file', () => {
    const file = join(dir, 'ner-build.json');
    expect(readBuildStatus(file)).toBeNull();
    writeFileSync(file, '{"built": true, "openblas": false}');
    expect(readBuildStatus(file)).toEqual({ built: true, openblas: false });
    writeFileSync(file, '{"built": "yes"}');
    expect(readBuildStatus(file)).toBeNull();
    writeFileSync(file, '{not json');
    expect(readBuildStatus(file)).toBeNull();
    writeFileSync(file, `{"built": true, "detail": "${'x'.repeat(70_000)}"}`);
    expect(readBuildStatus(file)).toBeNull();
  });
});
