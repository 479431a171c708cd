/**
 * Atomic writing of a checkpoint folder: nothing half-written is ever left
 * under the final name, even if the process dies mid-save; temporaries that a
 * killed process left behind are removed by the next save into the same place.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ModelsError } from './errors.js';
import { type Float32TensorData, serializeSafetensors } from './safetensors.js';
import { describeSystemCode } from './system-errors.js';
import { temporariesInProgress, writerMayBeActive } from './temporary-writers.js';

/** Weight file names transformers writes; stale shards of an older save are removed like Python does. */
const SHARD_PATTERN = /^model-\d{5}-of-\d{5}\.safetensors$/;

/** Our temporary names: `.<final name>.tmp-<pid>-<8 hex>` (files and the staging folder alike). */
const TEMPORARY_PATTERN = /^\.(.+)\.tmp-(\d+)-[0-9a-f]{8}$/;

/**
 * Saving failed for a system reason (disk full, no permission...): a model's
 * files, or anything a package above writes the same way (the trainer's
 * checkpoints, `training_args.json`, model cards). The temporaries were
 * removed and the files already there are whole (each is replaced by a rename
 * only once every new file was written).
 */
export class SaveError extends ModelsError {
  /** The file or folder that could not be written. */
  readonly path: string;
  /** Node's system error code, e.g. `ENOSPC`. */
  readonly code: string;
  /**
   * @param message what was being saved and what was kept; by default it names
   *   `path` and the code in words (`disk full (ENOSPC)`).
   */
  constructor(path: string, code: string, cause: unknown, message?: string) {
    super(
      message ??
        `Cannot save to ${path}: ${describeSystemCode(code)}. ` +
          'The temporary files were removed; the files already there are unchanged.',
    );
    this.path = path;
    this.code = code;
    this.cause = cause;
  }
}

function systemCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Wraps Node's system errors as {@link SaveError} naming `path`; anything else passes unchanged. */
function asSaveError(error: unknown, path: string): unknown {
  const code = systemCode(error);
  if (error instanceof SaveError || code === undefined) return error;
  return new SaveError(path, code, error);
}

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

/**
 * Removes our temporaries in `folder` whose writer is gone (its pid, which the
 * name carries, is dead); `only` limits it to the temporaries of one final name.
 */
async function removeOrphanTemporaries(folder: string, only?: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return; // No folder yet: nothing left over.
  }
  for (const name of names) {
    const match = TEMPORARY_PATTERN.exec(name);
    if (match === null || (only !== undefined && match[1] !== only)) continue;
    const path = resolve(folder, name);
    if (!writerMayBeActive(Number(match[2]), path)) await rm(path, { recursive: true, force: true });
  }
}

/** Runs `write(temporary)` for a fresh temporary next to `path`, removing it if the write fails. */
async function withTemporary<T>(path: string, write: (temporary: string) => Promise<T>): Promise<T> {
  const temporary = resolve(temporarySibling(path));
  temporariesInProgress.add(temporary);
  try {
    return await write(temporary);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  } finally {
    temporariesInProgress.delete(temporary);
  }
}

/**
 * Writes `bytes` to `path` through a temporary file in the same folder and a
 * rename. A system failure (disk full...) throws {@link SaveError} after the
 * temporary is removed; the previous file at `path`, if any, is unchanged.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  try {
    await withTemporary(path, async (temporary) => {
      await writeFile(temporary, bytes);
      await rename(temporary, path);
    });
  } catch (error) {
    throw asSaveError(error, path);
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
  await removeOrphanTemporaries(dirname(target), basename(target));
  if (!(await exists(target))) {
    await mkdir(dirname(target), { recursive: true }).catch((error) => {
      throw asSaveError(error, dirname(target));
    });
    let writing = target;
    try {
      await withTemporary(target, async (staging) => {
        await mkdir(staging);
        writing = join(staging, 'config.json');
        await writeFile(writing, configText);
        writing = join(staging, 'model.safetensors');
        await writeFile(writing, weights);
        writing = target;
        await rename(staging, target);
      });
    } catch (error) {
      throw asSaveError(error, writing);
    }
    return;
  }
  await removeOrphanTemporaries(target);
  await replaceFiles(target, [
    ['model.safetensors', weights],
    ['config.json', configText],
  ]);
  for (const name of await readdir(target)) {
    if (SHARD_PATTERN.test(name) || name === 'model.safetensors.index.json') {
      await rm(join(target, name), { force: true });
    }
  }
}

/**
 * Writes every file to a temporary first and renames them only when all were
 * written, so a full disk never leaves new weights beside an old config.
 */
async function replaceFiles(folder: string, files: readonly [string, Uint8Array | string][]): Promise<void> {
  const written: [string, string][] = [];
  let writing = folder;
  try {
    for (const [name, bytes] of files) {
      writing = join(folder, name);
      const temporary = resolve(temporarySibling(writing));
      temporariesInProgress.add(temporary);
      written.push([temporary, writing]);
      await writeFile(temporary, bytes);
    }
    for (const [temporary, final] of written) {
      writing = final;
      await rename(temporary, final);
    }
  } catch (error) {
    for (const [temporary] of written) await rm(temporary, { force: true }).catch(() => undefined);
    throw asSaveError(error, writing);
  } finally {
    for (const [temporary] of written) temporariesInProgress.delete(temporary);
  }
}
