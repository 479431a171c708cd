// A machine without libopenblas-dev: the install script builds the addon anyway, on the addon's
// own GEMM kernels, and its products agree with this (OpenBLAS) build's. NER_NATIVE_NO_OPENBLAS=1
// hides OpenBLAS from the script; the build happens in a copy of the package's build inputs, so
// the addon other tests load is left alone. Needs a C++ toolchain: runs where the addon was built.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { addon, type NativeAddon } from '../src/addon.js';
import { describeGemm } from '../src/build-status.js';
import { expectKernelsAgree, gemmCases } from './gemm-check.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

describe.skipIf(!addon)('an addon built with OpenBLAS hidden (NER_NATIVE_NO_OPENBLAS=1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ner-native-no-blas-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let built: NativeAddon | null = null;

  it('builds, says it built without OpenBLAS, and records why', () => {
    // The published package's layout: the shared build steps are the copy in dist/.
    for (const path of ['binding.gyp', 'src/addon', 'scripts/build-addon.mjs', 'dist/native-build.mjs']) {
      cpSync(join(packageRoot, path), join(dir, path), { recursive: true });
    }
    const result = spawnSync(process.execPath, ['scripts/build-addon.mjs'], {
      cwd: dir,
      env: { ...process.env, NER_NATIVE_NO_OPENBLAS: '1', NER_NATIVE_SKIP_BUILD: '' },
      encoding: 'utf8',
      timeout: 9 * 60 * 1000,
    });
    expect(result.stdout).toMatch(
      /addon built without OpenBLAS \(OpenBLAS hidden by NER_NATIVE_NO_OPENBLAS=1\)/,
    );
    const status = JSON.parse(readFileSync(join(dir, 'build', 'ner-build.json'), 'utf8'));
    expect(status).toMatchObject({ built: true, openblas: false });
    const path = join(dir, 'build', 'Release', 'ner_native.node');
    if (process.platform === 'linux') {
      const ldd = spawnSync('ldd', [path], { encoding: 'utf8', timeout: 30_000 });
      if (ldd.status === 0) expect(ldd.stdout).not.toMatch(/openblas/i);
    }
    built = createRequire(import.meta.url)(path) as NativeAddon;
    expect(built.builtWithOpenBlas()).toBe(false);
    expect(built.blasConfig()).toBe('');
    expect(built.setGemmKernel('openblas')).toBe(false);
    expect(['avx512', 'avx2', 'generic']).toContain(built.gemmKernel());
    expect(describeGemm(built.gemmKernel(), false, status)).toMatch(
      /^(AVX-512|AVX2|portable) GEMM, OpenBLAS left out by NER_NATIVE_NO_OPENBLAS=1$/,
    );
  }, 600_000);

  it('its kernels agree with this build within 1e-5 of Σ|a b| on MatMul / BatchMatMul cases with transposes', () => {
    expect(built, 'the build above failed').not.toBeNull();
    const noBlas = built!;
    const withBlas = addon!;
    const initial = withBlas.gemmKernel();
    // The peer: OpenBLAS where this build links it, else this build's default kernel.
    const peerKernel = withBlas.setGemmKernel('openblas') ? 'openblas' : initial;
    try {
      const compared = expectKernelsAgree(
        noBlas,
        ['avx512', 'avx2', 'generic'],
        withBlas,
        peerKernel,
        gemmCases(),
      );
      expect(compared).toBeGreaterThanOrEqual(gemmCases().length);
    } finally {
      withBlas.setGemmKernel(initial);
    }
  });

  it('is rebuilt with OpenBLAS by the next install where OpenBLAS is there (it was hidden)', () => {
    // Last: it rebuilds the addon the tests above loaded.
    expect(built, 'the build above failed').not.toBeNull();
    // Where cblas.h and libopenblas.so are where the script looks (Debian's libopenblas-dev).
    const openBlasHere =
      existsSync('/usr/include/x86_64-linux-gnu/cblas.h') &&
      existsSync('/usr/lib/x86_64-linux-gnu/libopenblas.so');
    const result = spawnSync(process.execPath, ['scripts/build-addon.mjs'], {
      cwd: dir,
      env: { ...process.env, NER_NATIVE_NO_OPENBLAS: '', NER_NATIVE_SKIP_BUILD: '' },
      encoding: 'utf8',
      timeout: 9 * 60 * 1000,
    });
    const status = JSON.parse(readFileSync(join(dir, 'build', 'ner-build.json'), 'utf8'));
    if (openBlasHere) {
      expect(result.stdout).toMatch(/addon built with OpenBLAS \(OpenBLAS from /);
      expect(status).toMatchObject({ built: true, openblas: true });
    } else {
      expect(process.env.CI, 'CI has libopenblas-dev').toBeFalsy();
      expect(result.stdout).toMatch(/addon up to date \(without OpenBLAS\)/);
    }
  }, 600_000);
});
