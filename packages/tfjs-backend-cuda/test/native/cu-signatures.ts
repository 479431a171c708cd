import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One parameter of a kernel as written in the .cu source: its C type and name. */
export interface CuParam {
  readonly type: string;
  readonly name: string;
}

/** Every `extern "C" __global__` kernel of the .cu files in `cuDir`: file and parameters. */
export function parseCuKernels(cuDir: string): Map<string, { file: string; params: CuParam[] }> {
  const kernels = new Map<string, { file: string; params: CuParam[] }>();
  for (const file of readdirSync(cuDir).filter((f) => f.endsWith('.cu'))) {
    const text = readFileSync(join(cuDir, file), 'utf8');
    for (const m of text.matchAll(/extern\s+"C"\s+__global__\s+void\s+(\w+)\s*\(([^)]*)\)/g)) {
      const name = m[1] as string;
      if (kernels.has(name))
        throw new Error(`${name} is defined twice (${kernels.get(name)?.file}, ${file})`);
      const params = (m[2] as string)
        .split(',')
        .map((p) => p.trim().replace(/\s+/g, ' '))
        .filter((p) => p !== '')
        .map((p) => {
          const pm = /^(.*?)(\w+)$/.exec(p);
          return { type: (pm?.[1] ?? '').trim(), name: pm?.[2] ?? '' };
        });
      kernels.set(name, { file, params });
    }
  }
  return kernels;
}
