import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ModelsError } from './errors.js';
import { SaveError, savePretrainedFiles, writeFileAtomic } from './save-pretrained.js';

// A full disk is injected: every writeFile whose path passes `failWhen` throws
// the error Node gives for ENOSPC (here with the path named, as a whole-file write does).
const disk = vi.hoisted(() => ({ failWhen: undefined as ((path: string) => boolean) | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const { fullDiskFsPromises } = await import('@ner/test-support');
  return fullDiskFsPromises(await importOriginal<typeof import('node:fs/promises')>(), disk, {
    namePath: true,
  });
});

const tensors = (value: number) => new Map([['w', { shape: [2], data: new Float32Array([value, value]) }]]);

/** A pid that surely belongs to no process: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ner-save-'));
});
afterEach(() => {
  disk.failWhen = undefined;
  rmSync(root, { recursive: true, force: true });
});

describe('savePretrainedFiles on a full disk', () => {
  it('throws SaveError (ENOSPC, the file) and keeps the previous config and weights', async () => {
    const dir = join(root, 'model');
    await savePretrainedFiles(dir, '{"v":1}', tensors(1));
    const before = readFileSync(join(dir, 'model.safetensors'));
    // Weights fit, config does not: neither may be replaced.
    disk.failWhen = (path) => path.includes('.config.json.tmp-');
    const error = await savePretrainedFiles(dir, '{"v":2}', tensors(2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SaveError);
    expect(error).toBeInstanceOf(ModelsError);
    expect((error as SaveError).code).toBe('ENOSPC');
    expect((error as SaveError).path).toBe(join(dir, 'config.json'));
    expect((error as Error).message).toContain('disk full (ENOSPC)');
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe('{"v":1}');
    expect(readFileSync(join(dir, 'model.safetensors'))).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'model.safetensors']);
  });

  it('leaves neither the folder nor its staging copy when a new folder cannot be written', async () => {
    const dir = join(root, 'fresh');
    disk.failWhen = (path) => path.endsWith('model.safetensors');
    const error = await savePretrainedFiles(dir, '{}', tensors(1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SaveError);
    expect((error as SaveError).path).toMatch(/\.fresh\.tmp-\d+-[0-9a-f]{8}[/\\]model\.safetensors$/);
    expect(readdirSync(root)).toEqual([]);
  });

  it('writeFileAtomic removes its temporary and keeps the old file', async () => {
    const path = join(root, 'training_args.json');
    writeFileSync(path, 'old');
    disk.failWhen = () => true;
    const error = await writeFileAtomic(path, 'new').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SaveError);
    expect((error as SaveError).path).toBe(path);
    expect((error as SaveError).code).toBe('ENOSPC');
    expect(readdirSync(root)).toEqual(['training_args.json']);
    expect(readFileSync(path, 'utf8')).toBe('old');
  });
});

describe('savePretrainedFiles after a process was killed mid-save', () => {
  it('removes the staging folder and file temporaries of a dead process, keeps those of live ones', async () => {
    const dead = deadPid();
    const dir = join(root, 'model');
    await savePretrainedFiles(dir, '{"v":1}', tensors(1));
    const staleStaging = `.model.tmp-${dead}-0badc0de`;
    const staleWeights = `.model.safetensors.tmp-${dead}-01234567`;
    const staleArgs = `.training_args.json.tmp-${dead}-89abcdef`;
    const liveWeights = `.model.safetensors.tmp-${process.ppid}-fedcba98`;
    mkdirSync(join(root, staleStaging));
    writeFileSync(join(root, staleStaging, 'model.safetensors'), 'half');
    writeFileSync(join(dir, staleWeights), 'half');
    writeFileSync(join(dir, staleArgs), 'half');
    writeFileSync(join(dir, liveWeights), 'being written');
    writeFileSync(join(dir, 'tokenizer.json.tmp-1'), 'not ours');
    await savePretrainedFiles(dir, '{"v":2}', tensors(2));
    expect(readdirSync(root)).toEqual(['model']);
    expect(readdirSync(dir).sort()).toEqual(
      [liveWeights, 'config.json', 'model.safetensors', 'tokenizer.json.tmp-1'].sort(),
    );
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe('{"v":2}');
  });
});
