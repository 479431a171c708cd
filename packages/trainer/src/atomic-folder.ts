/**
 * Folders written under a temporary name and renamed into place, and the
 * clean-up of temporary folders that a killed process left behind.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { temporariesInProgress, writerMayBeActive } from '@ner/models/internal';
import { CheckpointWriteError } from './errors.js';
import { describeCode, failedPath, systemErrorCode } from './write-failure.js';

/**
 * Our temporary names: `.tmp-<final name>-<pid>-<ms>` while a folder is
 * filled, plus `-old` for the previous copy while it is being replaced. Runs
 * killed by older versions left exactly these names, so the format stays.
 */
const TEMP_NAME = /^\.tmp-(.+)-(\d+)-(\d+)(-old)?$/;

function temporaryName(dir: string): string {
  return resolve(dir, '..', `.tmp-${basename(resolve(dir))}-${process.pid}-${Date.now()}`);
}

/**
 * Writes a folder atomically: `fill` writes into a temporary sibling, which
 * is then renamed to `dir` (an existing `dir` is replaced), so a crash never
 * leaves a half-written checkpoint under the final name.
 *
 * A write that fails for a system reason (disk full, no permission...) throws
 * {@link CheckpointWriteError} naming the file and the code, after removing
 * the temporary folder; an existing `dir` is then left as it was. Other errors
 * (thrown by `fill` itself) are rethrown unchanged, also after the clean-up.
 */
export async function writeFolderAtomic(dir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = temporaryName(dir);
  const replacing = existsSync(dir);
  temporariesInProgress.add(tmp);
  try {
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    await fill(tmp);
    await moveIntoPlace(tmp, dir);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw asWriteError(dir, replacing, error);
  } finally {
    temporariesInProgress.delete(tmp);
  }
}

/** Renames the filled `tmp` to `dir`; when `dir` exists, its old copy is put back if the swap fails. */
async function moveIntoPlace(tmp: string, dir: string): Promise<void> {
  if (!existsSync(dir)) {
    await rename(tmp, dir);
    return;
  }
  // No portable atomic exchange of two folders: move the old copy aside under a
  // name that the start-up clean-up recognises (see removeOrphanTemps).
  const old = `${tmp}-old`;
  await rename(dir, old);
  try {
    await rename(tmp, dir);
  } catch (error) {
    await rename(old, dir);
    throw error;
  }
  // The new copy is in place; a failure to delete the old one only leaves an
  // orphan that the next start removes.
  await rm(old, { recursive: true, force: true }).catch(() => undefined);
}

function asWriteError(dir: string, replacing: boolean, error: unknown): unknown {
  if (error instanceof CheckpointWriteError) return error;
  const code = systemErrorCode(error);
  if (code === undefined) return error;
  const path = failedPath(error, dir);
  const kept = replacing
    ? `the existing ${dir} was left as it was`
    : 'the checkpoints already written are untouched';
  return new CheckpointWriteError(
    path,
    code,
    error,
    `Cannot write checkpoint ${dir}: ${describeCode(code)} while writing ${path}. ` +
      `The temporary folder was removed and ${kept}.`,
  );
}

/** What {@link removeOrphanTemps} did. */
export interface OrphanCleanup {
  /** Temporary folders deleted. */
  removed: string[];
  /** Final folders restored from an interrupted replacement (the process died between the two renames). */
  restored: string[];
}

/**
 * Removes the temporary folders of `writeFolderAtomic` (`@ner/trainer/internal`) in `parent` whose
 * writer is gone: the process that made them is dead (its pid is in the name),
 * or it is this process and the folder is not being filled now. Folders of
 * live processes and everything not named like ours stay.
 *
 * A writer killed between moving an old copy aside (`…-old`) and renaming the
 * new one into place leaves no folder under the final name; that name is
 * restored first, from the new copy (complete: the old one is only moved
 * aside after the new one was filled) or else from the old one.
 *
 * Call it from one process per output folder (the main process): a rank that
 * cleaned while another wrote would only see its own pid as alive.
 */
export async function removeOrphanTemps(parent: string): Promise<OrphanCleanup> {
  const result: OrphanCleanup = { removed: [], restored: [] };
  let names: string[];
  try {
    names = (await readdir(parent, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw error;
  }
  const orphans = names.filter((name) => {
    const match = TEMP_NAME.exec(name);
    if (match === null) return false;
    const tmp = resolve(parent, match[4] === undefined ? name : name.slice(0, -'-old'.length));
    return !writerMayBeActive(Number(match[2]), tmp);
  });
  for (const name of orphans) {
    const match = TEMP_NAME.exec(name)!;
    if (match[4] === undefined) continue;
    const final = join(parent, match[1]!);
    if (existsSync(final)) continue;
    const filled = name.slice(0, -'-old'.length);
    await rename(join(parent, orphans.includes(filled) ? filled : name), final);
    result.restored.push(final);
  }
  for (const name of orphans) {
    const path = join(parent, name);
    if (!existsSync(path)) continue;
    await rm(path, { recursive: true, force: true });
    result.removed.push(path);
  }
  return result;
}
