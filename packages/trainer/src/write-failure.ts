import { writeFile } from 'node:fs/promises';
import { describeSystemCode } from '@ner/models/internal';

function field(value: unknown, key: 'code' | 'path'): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const found = (value as Record<string, unknown>)[key];
  return typeof found === 'string' ? found : undefined;
}

/**
 * The system error code (`ENOSPC`...) of a failed write: Node's own error, or
 * one wrapped once as `cause` (the save errors of @ner/models keep both).
 */
export function systemErrorCode(error: unknown): string | undefined {
  return field(error, 'code') ?? field((error as { cause?: unknown } | null)?.cause, 'code');
}

/** The file a failed write names (Node's `error.path`), else `fallback`. */
export function failedPath(error: unknown, fallback: string): string {
  return field(error, 'path') ?? field((error as { cause?: unknown } | null)?.cause, 'path') ?? fallback;
}

/** `disk full (ENOSPC)`: the one table of @ner/models, so models and checkpoints say the same. */
export const describeCode = describeSystemCode;

/**
 * `writeFile` whose failure names the file: Node's errors from the write
 * itself (ENOSPC) carry no `path`, only those from opening it do.
 */
export async function writeFileNamed(path: string, data: Uint8Array | string): Promise<void> {
  try {
    await writeFile(path, data);
  } catch (error) {
    if (typeof error === 'object' && error !== null && field(error, 'path') === undefined) {
      (error as { path?: string }).path = path;
    }
    throw error;
  }
}
