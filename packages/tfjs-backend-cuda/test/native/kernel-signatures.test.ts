// Every `extern "C" __global__` kernel in src/cu/*.cu against KERNEL_ABI, both ways: the same
// names, and for each the same number and kinds of parameters in the same order.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CU_DIR } from '../../src/addon.js';
import { type AbiParam, KERNEL_ABI } from '../../src/kernel-abi.js';

/** The ABI kind of one C parameter declaration, e.g. `const float *x` -> ptr. */
function kindOf(declaration: string): AbiParam | `unknown: ${string}` {
  const d = declaration.trim();
  if (d.includes('*')) return 'ptr';
  if (/^(const\s+)?NerDims\b/.test(d)) return 'dims';
  if (/^(const\s+)?unsigned(\s+int)?\s+\w+$/.test(d)) return 'u32';
  if (/^(const\s+)?int\s+\w+$/.test(d)) return 'i32';
  if (/^(const\s+)?float\s+\w+$/.test(d)) return 'f32';
  return `unknown: ${d}`;
}

function parseKernels(): Map<string, { file: string; params: string[] }> {
  const kernels = new Map<string, { file: string; params: string[] }>();
  for (const file of readdirSync(CU_DIR).filter((f) => f.endsWith('.cu'))) {
    const text = readFileSync(join(CU_DIR, file), 'utf8');
    for (const m of text.matchAll(/extern\s+"C"\s+__global__\s+void\s+(\w+)\s*\(([^)]*)\)/g)) {
      const name = m[1] as string;
      const params = (m[2] as string).split(',').filter((p) => p.trim() !== '');
      if (kernels.has(name))
        throw new Error(`${name} is defined twice (${kernels.get(name)?.file}, ${file})`);
      kernels.set(name, { file, params: params.map((p) => kindOf(p)) });
    }
  }
  return kernels;
}

describe('CUDA kernel signatures', () => {
  const kernels = parseKernels();

  it('define every KERNEL_ABI entry', () => {
    const missing = Object.keys(KERNEL_ABI).filter((name) => !kernels.has(name));
    expect(missing).toEqual([]);
  });

  it('define nothing KERNEL_ABI does not list', () => {
    const extra = [...kernels.keys()].filter((name) => !(name in KERNEL_ABI));
    expect(extra).toEqual([]);
  });

  it.each(Object.keys(KERNEL_ABI))('%s has the parameter kinds of KERNEL_ABI in order', (name) => {
    const found = kernels.get(name);
    expect(found, `${name} not found in src/cu`).toBeDefined();
    expect(found?.params).toEqual([...(KERNEL_ABI[name]?.params ?? [])]);
  });

  it('ner_dims.cuh declares the 100-byte NerDims struct the backend packs', () => {
    const header = readFileSync(join(CU_DIR, 'ner_dims.cuh'), 'utf8');
    expect(header).toMatch(
      /struct NerDims \{\s*int rank;\s*int a\[6\];\s*int b\[6\];\s*int c\[6\];\s*int d\[6\];\s*\};/,
    );
  });
});
