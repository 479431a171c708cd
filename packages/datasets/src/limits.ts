/**
 * Size bounds every reader applies before trusting a file, so a corrupt or hostile file fails with a clear
 * error instead of exhausting memory.
 */
import { stat } from 'node:fs/promises';
import { DatasetFormatError } from './errors.js';

/** Bounds of the readers; all optional. */
export interface ReadLimits {
  /** Largest file read (default 1 GiB). */
  readonly maxFileBytes?: number;
  /** Longest line of a text format, in characters (default 16 Mi). */
  readonly maxLineChars?: number;
  /** Most tokens in one CoNLL sentence (default 100 000). */
  readonly maxTokensPerSentence?: number;
  /** Deepest nesting of objects and arrays in one JSON Lines value (default 100; the top object is 1). */
  readonly maxJsonDepth?: number;
  /** Most distinct keys (columns) in a JSON Lines file (default 4096). */
  readonly maxColumns?: number;
  /**
   * Most cells (rows × columns, missing keys included: each becomes a null) in a JSON Lines file
   * (default 2^27): a file whose every line brings a new key would otherwise grow quadratically.
   */
  readonly maxCells?: number;
}

export const DEFAULT_LIMITS = {
  maxFileBytes: 1024 * 1024 * 1024,
  maxLineChars: 16 * 1024 * 1024,
  maxTokensPerSentence: 100_000,
  maxJsonDepth: 100,
  maxColumns: 4096,
  maxCells: 2 ** 27,
} as const;

/** Throws unless `path` is a file no larger than the limit; returns its size. */
export async function checkFileSize(path: string, limits: ReadLimits = {}): Promise<number> {
  const max = limits.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes;
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new DatasetFormatError(path, 0, 'not a regular file');
    size = info.size;
  } catch (error) {
    if (error instanceof DatasetFormatError) throw error;
    throw new DatasetFormatError(path, 0, `cannot read: ${(error as Error).message}`);
  }
  if (size > max)
    throw new DatasetFormatError(
      path,
      0,
      `file is ${size} bytes; the limit is ${max} (option maxFileBytes).`,
    );
  return size;
}
