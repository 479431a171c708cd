// Every GEMM kernel this addon and CPU have (AVX-512 panels, OpenBLAS when linked, the portable
// AVX2 + FMA and generic kernels that a build without OpenBLAS relies on) on the same MatMul and
// BatchMatMul cases, against a float64 reference and against each other.
import { afterAll, describe, expect, it } from 'vitest';
import { addon, type GemmKernelName } from '../src/addon.js';
import {
  describeCase,
  expectKernelsAgree,
  gemmCases,
  magnitudes,
  runGemm,
  worstScaledError,
} from './gemm-check.js';

const KERNELS: readonly GemmKernelName[] = ['avx512', 'openblas', 'avx2', 'generic'];

/** float64 op(A) @ op(B), the reference every kernel is held to. */
function reference(c: ReturnType<typeof gemmCases>[number]): Float32Array {
  const out = new Float32Array(c.batch * c.m * c.n);
  for (let e = 0; e < c.batch; e++) {
    for (let i = 0; i < c.m; i++) {
      for (let j = 0; j < c.n; j++) {
        let sum = 0;
        for (let p = 0; p < c.k; p++) {
          const x =
            (c.transA ? c.a[e * c.m * c.k + p * c.m + i] : c.a[e * c.m * c.k + i * c.k + p]) ?? Number.NaN;
          const y =
            (c.transB ? c.b[e * c.k * c.n + j * c.k + p] : c.b[e * c.k * c.n + p * c.n + j]) ?? Number.NaN;
          sum += x * y;
        }
        out[e * c.m * c.n + i * c.n + j] = sum;
      }
    }
  }
  return out;
}

describe.skipIf(!addon)('gemm kernels (addon built)', () => {
  const native = addon!;
  const initial = addon?.gemmKernel();
  afterAll(() => {
    if (initial) native.setGemmKernel(initial);
  });

  it('setGemmKernel switches to what this build and CPU have, and rejects unknown names', () => {
    expect(native.setGemmKernel('generic')).toBe(true);
    expect(native.gemmKernel()).toBe('generic');
    expect(native.panelGemmEnabled()).toBe(false);
    expect(native.setGemmKernel('openblas')).toBe(native.builtWithOpenBlas());
    expect(native.blasConfig() === '').toBe(!native.builtWithOpenBlas());
    expect(() => native.setGemmKernel('mkl' as GemmKernelName)).toThrow(/unknown kernel/);
    if (native.setGemmKernel('avx512')) expect(native.panelGemmEnabled()).toBe(true);
  });

  const cases = gemmCases();
  for (const kernel of KERNELS) {
    it(`${kernel}: every case within 1e-5 of Σ|a b| of the float64 product (or not on this CPU / build)`, () => {
      if (!native.setGemmKernel(kernel)) {
        // Only the kernels a CPU or build cannot have may be missing.
        expect(
          kernel === 'avx512' || kernel === 'avx2' || (kernel === 'openblas' && !native.builtWithOpenBlas()),
        ).toBe(true);
        return;
      }
      for (const c of cases) {
        const error = worstScaledError(runGemm(native, c), reference(c), magnitudes(c));
        expect(error, `${kernel} ${describeCase(c)}`).toBeLessThan(1e-5);
      }
    });
  }

  it('the portable kernels agree with OpenBLAS within 1e-5 (builds that link it)', () => {
    if (!native.builtWithOpenBlas()) return;
    const compared = expectKernelsAgree(native, ['avx2', 'generic', 'avx512'], native, 'openblas', cases);
    expect(compared).toBeGreaterThanOrEqual(cases.length);
  });
});
