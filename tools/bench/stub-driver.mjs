// The stand-in CUDA driver and cuBLASLt of the cuda backend's tests
// (packages/tfjs-backend-cuda/test/native/fixtures/stub-host-cuda.c) built with -DSTUB_NO_WORK:
// launches, products, fills and copies do nothing, so the real addon and backend run a whole
// training step on the host alone. For the benches that measure the host side of a step without a
// GPU (cuda-host-step.mjs: time; cuda-step-memory.mjs: device memory).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const stubSource = join(here, '../../packages/tfjs-backend-cuda/test/native/fixtures/stub-host-cuda.c');

/**
 * Builds the no-op driver into a temporary folder (removed at exit) and returns it, for
 * NER_CUDA_LIB_DIR; exits the process with the compiler's message when `cc` cannot build it.
 */
export function buildNoWorkDriver(name) {
  const dir = mkdtempSync(join(tmpdir(), 'ner-cuda-no-work-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (const [define, lib] of [
    ['-DSTUB_DRIVER', 'libcuda.so.1'],
    ['-DSTUB_CUBLASLT', 'libcublasLt.so.13'],
  ]) {
    const built = spawnSync(
      'cc',
      ['-O2', '-shared', '-fPIC', define, '-DSTUB_NO_WORK', '-o', join(dir, lib), stubSource],
      {
        encoding: 'utf8',
      },
    );
    if (built.status !== 0) {
      console.error(`${name}: cannot build the stand-in driver (cc): ${built.stderr || built.error}`);
      process.exit(1);
    }
  }
  return dir;
}
