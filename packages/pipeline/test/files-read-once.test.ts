// Issue 16: a pipeline call goes tokenizer -> model -> postprocess with each file parsed once.
// node:fs and node:fs/promises are wrapped to count which files are opened for reading.
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { sharedPath } from '@ner/test-support';
import { afterAll, expect, it, vi } from 'vitest';

// vi.mock factories run before the imports, so what they use is made in vi.hoisted.
const { reads, counted } = vi.hoisted(() => {
  const reads = new Map<string, number>();
  /** `fn` that first counts its path argument's file name. */
  const counted = <T>(fn: T): T =>
    ((path: unknown, ...rest: unknown[]) => {
      const name = String(path).split(/[\\/]/).pop()!;
      reads.set(name, (reads.get(name) ?? 0) + 1);
      return (fn as (...args: unknown[]) => unknown)(path, ...rest);
    }) as T;
  return { reads, counted };
});

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = counted(fs.readFileSync);
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});
vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  const [readFile, open] = [counted(fsp.readFile), counted(fsp.open)];
  return { ...fsp, default: { ...fsp, readFile, open }, readFile, open };
});

const { pipeline } = await import('../src/index.js');

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

it('pipeline("ner") on a saved folder reads config.json, the weights and each tokenizer file once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ner-pipeline-reads-'));
  made.push(dir);
  const oracleDir = sharedPath('oracle', 'pipeline');
  for (const path of [join(oracleDir, 'model', 'config.json'), join(oracleDir, 'model', 'model.safetensors')])
    symlinkSync(path, join(dir, basename(path)));
  symlinkSync(join(oracleDir, 'tokenizer.json'), join(dir, 'tokenizer.json'));
  symlinkSync(
    sharedPath('data', 'tokenizers', 'bert-base-cased', 'special_tokens_map.json'),
    join(dir, 'special_tokens_map.json'),
  );
  reads.clear();
  const ner = await pipeline('ner', { model: dir, aggregationStrategy: 'simple' });
  await ner('My name is Wolfgang and I live in Berlin');
  ner.dispose();
  expect(Object.fromEntries(reads)).toEqual({
    'config.json': 1,
    'model.safetensors': 1,
    'tokenizer.json': 1,
    'special_tokens_map.json': 1,
  });
});
