import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** nvcc as scripts/build-fatbin.mjs finds it: PATH, CUDA_HOME/bin, /usr/local/cuda/bin. */
export function findNvcc(): string | null {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
    ...(process.env.CUDA_HOME ? [join(process.env.CUDA_HOME, 'bin')] : []),
    '/usr/local/cuda/bin',
  ];
  for (const dir of dirs) {
    const candidate = join(dir, 'nvcc');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}
