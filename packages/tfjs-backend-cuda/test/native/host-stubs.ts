/**
 * Builds the host-memory stand-ins for the driver and cuBLASLt (fixtures/stub-host-cuda.c) as
 * `libcuda.so.1` and `libcublasLt.so.13` in `dir`, for a child process whose NER_CUDA_LIB_DIR
 * points there. Throws with the compiler's output when cc fails.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, 'fixtures');

/** One shared object from a fixture's C source, with `define` selecting what it stands in for. */
export function buildStub(dir: string, source: string, define: string, name: string): void {
  const r = spawnSync('cc', ['-shared', '-fPIC', define, '-o', join(dir, name), join(FIXTURES, source)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`building ${name}: ${r.stderr}`);
}

export function buildHostStubs(dir: string): void {
  buildStub(dir, 'stub-host-cuda.c', '-DSTUB_DRIVER', 'libcuda.so.1');
  buildStub(dir, 'stub-host-cuda.c', '-DSTUB_CUBLASLT', 'libcublasLt.so.13');
}
