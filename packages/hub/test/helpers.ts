/** Pieces every hub test shares: temporary folders that are always removed, and fast retries. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

/** A fresh temporary folder, removed by {@link removeTempDirs}. */
export function tempDir(prefix = 'ner-hub-hostile-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every folder {@link tempDir} made (call from `afterEach`). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Retries fast so failure paths take milliseconds. */
export const FAST_RETRY = { attempts: 3, baseDelayMs: 5 };
