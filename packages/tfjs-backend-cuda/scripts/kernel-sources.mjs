// The kernel sources as one program: every src/cu/*.cu included by a generated "unity" file, so
// nvcc (one fatbin) and NVRTC (one cubin) compile the same translation unit. src/addon.ts builds
// the same unity text at run time; keep the two in step (sorted .cu names, one #include each).
import { readdirSync } from 'node:fs';

/** The .cu files of `cuDir`, sorted. */
export function kernelFiles(cuDir) {
  return readdirSync(cuDir)
    .filter((f) => f.endsWith('.cu'))
    .sort();
}

/** `#include "a.cu"` lines for every kernel file. */
export function unitySource(cuDir) {
  return `${kernelFiles(cuDir)
    .map((f) => `#include "${f}"`)
    .join('\n')}\n`;
}
