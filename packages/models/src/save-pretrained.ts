/**
 * Atomic writing of a checkpoint folder: nothing half-written is ever left
 * under the final name, even if the process dies mid-save.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { serializeSafetensors, type Float32TensorData } from './safetensors.js';

/** Weight file names transformers writes; stale shards of an older save are removed like Python does. */
const SHARD_PATTERN = /^model-\d{5}-of-\d{5}\.safetensors$/;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function temporarySibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Writes `bytes` to `path` through a temporary file in the same folder and a rename. */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  const temporary = temporarySibling(path);
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Writes config.json + model.safetensors into `dir` (see `PreTrainedModel.savePretrained`). */
export async function savePretrainedFiles(
  dir: string,
  configText: string,
  tensors: ReadonlyMap<string, Float32TensorData>,
): Promise<void> {
  const target = resolve(dir);
  const weights = serializeSafetensors(tensors, { format: 'pt' });
  if (!(await exists(target))) {
    await mkdir(dirname(target), { recursive: true });
    const staging = temporarySibling(target);
    try {
      await mkdir(staging);
      await writeFile(join(staging, 'config.json'), configText);
      await writeFile(join(staging, 'model.safetensors'), weights);
      await rename(staging, target);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
    return;
  }
  await writeFileAtomic(join(target, 'model.safetensors'), weights);
  await writeFileAtomic(join(target, 'config.json'), configText);
  for (const name of await readdir(target)) {
    if (SHARD_PATTERN.test(name) || name === 'model.safetensors.index.json') {
      await rm(join(target, name), { force: true });
    }
  }
}
