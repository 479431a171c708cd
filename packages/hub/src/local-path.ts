/**
 * A repo id that names an existing local folder is read from that folder with no network at all, as
 * `from_pretrained("./my-model")` does in Python.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EntryNotFoundError, HubValidationError } from './errors.js';
import { validateFilename } from './repo.js';

/** True when `pathOrId` is an existing directory. */
export function isLocalFolder(pathOrId: string): boolean {
  try {
    return statSync(pathOrId).isDirectory();
  } catch {
    return false;
  }
}

/** True when `pathOrId` is written like a path (so it must not be sent to the Hub as an id). */
export function looksLikePath(pathOrId: string): boolean {
  return (
    pathOrId.startsWith('.') ||
    pathOrId.startsWith('/') ||
    pathOrId.startsWith('~') ||
    /^[a-zA-Z]:[\\/]/.test(pathOrId) ||
    pathOrId.includes('\\') ||
    pathOrId.split('/').length > 2
  );
}

/** `folder/filename`, or a clear error when that file is missing. */
export function resolveLocalFile(folder: string, filename: string): string {
  validateFilename(filename);
  const path = join(resolve(folder), filename);
  if (!existsSync(path)) {
    throw new EntryNotFoundError(
      `Local folder ${resolve(folder)} has no file "${filename}" (looked for ${path}).`,
    );
  }
  return path;
}

/** Error for a path-like id that does not exist. */
export function missingFolderError(pathOrId: string): HubValidationError {
  return new HubValidationError(
    `Folder ${resolve(pathOrId)} does not exist, and "${pathOrId}" is not a Hub repo id like "org/name".`,
  );
}
