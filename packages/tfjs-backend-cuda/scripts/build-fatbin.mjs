#!/usr/bin/env node
// Compiles every src/cu/*.cu into one fatbin with nvcc: cubin for sm_80, sm_86, sm_89 and
// sm_90, plus compute_90 PTX that newer GPUs JIT. Written to build/ner_kernels.fatbin, shipped
// next to the .node. Never fails the install: without nvcc it prints one line and the addon
// compiles the same sources with NVRTC at first use instead.
// Exported for build-addon.mjs; run directly with --force to rebuild.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unitySource } from './kernel-sources.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FATBIN_PATH = join(root, 'build', 'ner_kernels.fatbin');
const cuDir = join(root, 'src', 'cu');

/** Real architectures with a cubin, and the virtual one shipped as PTX. */
export const CUBIN_ARCHS = ['80', '86', '89', '90'];
export const PTX_ARCH = '90';

/** The nvcc flags: strict warnings, no FMA contraction (results match the cpu backend's rounding). */
export function nvccFlags() {
  return [
    '--fatbin',
    '-O3',
    '--fmad=false',
    '--std=c++17',
    '-Werror',
    'all-warnings',
    ...CUBIN_ARCHS.map((a) => `-gencode=arch=compute_${a},code=sm_${a}`),
    `-gencode=arch=compute_${PTX_ARCH},code=compute_${PTX_ARCH}`,
  ];
}

/** nvcc on the PATH, in CUDA_HOME/bin or /usr/local/cuda/bin, or null. */
export function findNvcc() {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
    ...(process.env.CUDA_HOME ? [join(process.env.CUDA_HOME, 'bin')] : []),
    ...(process.env.CUDA_PATH ? [join(process.env.CUDA_PATH, 'bin')] : []),
    '/usr/local/cuda/bin',
  ];
  for (const dir of dirs) {
    const candidate = join(dir, 'nvcc');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function newestSource() {
  const files = [
    ...readdirSync(cuDir).map((f) => join(cuDir, f)),
    fileURLToPath(import.meta.url),
    join(root, 'scripts', 'kernel-sources.mjs'),
  ];
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/**
 * Builds the fatbin unless it is up to date. Returns `{ built, path, message }` and never
 * throws: `built` is false with a one-line `message` when nvcc is missing or fails.
 */
export function buildFatbin({ force = false, log = console.log } = {}) {
  if (!force && existsSync(FATBIN_PATH) && statSync(FATBIN_PATH).mtimeMs >= newestSource()) {
    return { built: true, path: FATBIN_PATH, message: 'fatbin up to date' };
  }
  const nvcc = findNvcc();
  if (!nvcc) {
    return {
      built: false,
      path: null,
      message:
        'nvcc not found (PATH, CUDA_HOME/bin, /usr/local/cuda/bin): kernels will be compiled with NVRTC at first use',
    };
  }
  mkdirSync(join(root, 'build'), { recursive: true });
  const unity = join(root, 'build', 'ner_kernels_all.cu');
  writeFileSync(unity, unitySource(cuDir));
  const tmp = `${FATBIN_PATH}.tmp-${process.pid}`;
  const result = spawnSync(nvcc, [...nvccFlags(), `-I${cuDir}`, '-o', tmp, unity], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 15 * 60 * 1000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    rmSync(tmp, { force: true });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    if (process.env.NER_CUDA_VERBOSE) log(output);
    const first = output.split('\n').find((l) => /error|warning/i.test(l)) ?? output.split('\n')[0] ?? '';
    return {
      built: false,
      path: null,
      message: `nvcc failed (${result.error?.message ?? `exit ${result.status}`}): ${first.slice(0, 300)}; kernels will be compiled with NVRTC at first use (NER_CUDA_VERBOSE=1 for the log)`,
    };
  }
  renameSync(tmp, FATBIN_PATH);
  return { built: true, path: FATBIN_PATH, message: `fatbin built: ${FATBIN_PATH}` };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { message } = buildFatbin({ force: process.argv.includes('--force') });
  console.log(`[@ner/tfjs-backend-cuda] ${message}`);
}
