/**
 * Node's system error codes of a failed write, in words a user can act on. One table for every
 * package that writes files (models' `savePretrained`, the trainer's checkpoints).
 */
const CODE_MEANINGS: Readonly<Record<string, string>> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  ENAMETOOLONG: 'file name too long',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'a folder is in the way',
};

/** `disk full (ENOSPC)`, or the code alone when we have no words for it. */
export function describeSystemCode(code: string): string {
  const meaning = CODE_MEANINGS[code];
  return meaning === undefined ? code : `${meaning} (${code})`;
}
