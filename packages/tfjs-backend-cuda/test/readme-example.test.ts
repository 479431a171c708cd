// The README's snippets, run as written: imports are mapped to this package's source and
// tfjs-core, and the probe (`cudaReady`) is answered by a fake device.
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it, vi } from 'vitest';
import * as cuda from '../src/index.js';
import { FakeCudaDevice } from '../src/fake/fake-device.js';
import { loadCuda } from '../src/status.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The first ```ts block after `heading`. */
function snippetAfter(heading: string): string {
  const start = readme.indexOf(heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  expect(match, `a ts block after ${heading}`).not.toBeNull();
  return match![1]!;
}

/** Runs a snippet whose imports are `import ... from '<module>'` lines, with `modules` as those modules. */
async function run(snippet: string, modules: Record<string, Record<string, unknown>>): Promise<string[]> {
  const names: string[] = [];
  const values: unknown[] = [];
  const body = snippet.replace(/^import (.+) from '([^']+)';\n/gm, (_, what: string, from: string) => {
    const module = modules[from];
    if (!module) throw new Error(`the snippet imports ${from}`);
    const star = /^\* as (\w+)$/.exec(what);
    if (star) {
      names.push(star[1]!);
      values.push(module);
    } else {
      for (const name of what
        .replace(/[{}]/g, '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        if (!(name in module)) throw new Error(`${from} has no export ${name}`);
        names.push(name);
        values.push(module[name]);
      }
    }
    return '';
  });
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
  });
  try {
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...args: string[]
    ) => (...values: unknown[]) => Promise<void>;
    await new AsyncFunction(...names, body)(...values);
  } finally {
    log.mockRestore();
  }
  return lines;
}

it.skipIf(process.env.NER_CUDA_TEST_DEVICE === 'gpu')(
  '"Use": the probe, setBackend, a product and softmax with no fallback',
  async () => {
    cuda.resetFallbackCounts();
    const device = new FakeCudaDevice();
    const cudaReady = loadCuda(async () => ({ probeCuda: () => ({ available: true, device }) }));
    const lines = await run(snippetAfter('## Use'), {
      '@tensorflow/tfjs-core': tf as unknown as Record<string, unknown>,
      '@ner/tfjs-backend-cuda': { ...cuda, cudaReady },
    });
    expect(lines).toEqual(['running on Fake CUDA device (host memory)', '[256,128] 32768', '{}']);
    expect(device.counters.launches.gemm).toBe(1);
    expect(device.counters.launches.ner_softmax_f32).toBe(1);
  },
);

it.skipIf(process.env.NER_CUDA_TEST_DEVICE === 'gpu')(
  '"Testing without a GPU": the backend on a FakeCudaDevice',
  async () => {
    const printed: string[] = [];
    const print = vi.spyOn(console, 'log');
    const lines = await run(snippetAfter('## Testing without a GPU'), {
      '@tensorflow/tfjs-core': tf as unknown as Record<string, unknown>,
      '@ner/tfjs-backend-cuda': cuda as unknown as Record<string, unknown>,
    });
    print.mockRestore();
    printed.push(...lines);
    // Tensor.print goes through console.log too: the values, then the launch counts.
    expect(printed.join('\n')).toMatch(/\[\[8, 8\],\s*\[8, 8\],\s*\[8, 8\],\s*\[8, 8\]\]/);
    expect(JSON.parse(printed[printed.length - 1]!)).toMatchObject({ gemm: 1 });
  },
);

it.skipIf(process.env.NER_CUDA_TEST_DEVICE === 'gpu')(
  '"Multi-GPU: NCCL": one rank on the fake device\'s NCCL',
  async () => {
    const device = new FakeCudaDevice();
    const cudaReady = loadCuda(async () => ({ probeCuda: () => ({ available: true, device }) }));
    // The snippet's free names: this process is rank 0 of 1, so it never waits for an id.
    const prologue =
      'const rank = 0;\nconst worldSize = 1;\nconst receiveIdFromRank0 = async () => { throw new Error("rank 0 makes the id"); };\n';
    const lines = await run(prologue + snippetAfter('## Multi-GPU: NCCL'), {
      '@tensorflow/tfjs-core': tf as unknown as Record<string, unknown>,
      '@ner/tfjs-backend-cuda': { ...cuda, cudaReady },
    });
    expect(lines).toEqual(['[1]']);
    expect(device.ncclLog.calls).toEqual([
      'allReduce count=1024 dtype=7 op=avg',
      'allGather sendCount=1 dtype=7',
    ]);
    expect(device.ncclLog.destroyed).toBe(true);
  },
);
