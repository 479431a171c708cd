// Every `extern "C" __global__` kernel in src/cu/*.cu against KERNEL_ABI, both ways: the same
// names, and for each the same number and kinds of parameters in the same order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CU_DIR } from '../../src/addon.js';
import { type AbiParam, KERNEL_ABI } from '../../src/kernel-abi.js';
import { parseCuKernels } from './cu-signatures.js';

/** The ABI kind of one C parameter type, e.g. `const float *` -> ptr. */
function kindOf(type: string): AbiParam | `unknown: ${string}` {
  const t = type.trim();
  if (t.includes('*')) return 'ptr';
  if (/^(const )?NerDims$/.test(t)) return 'dims';
  if (/^(const )?unsigned( int)?$/.test(t)) return 'u32';
  if (/^(const )?int$/.test(t)) return 'i32';
  if (/^(const )?float$/.test(t)) return 'f32';
  return `unknown: ${t}`;
}

function parseKernels(): Map<string, { file: string; params: string[] }> {
  const out = new Map<string, { file: string; params: string[] }>();
  for (const [name, k] of parseCuKernels(CU_DIR)) {
    out.set(name, { file: k.file, params: k.params.map((p) => kindOf(p.type)) });
  }
  return out;
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
