// Temporary folders for tests: made under the system temp folder and removed
// by the test file's `afterEach(removeTempDirs)` (or `afterAll`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created = [];

/** A fresh folder under the system temp folder, removed by the next {@link removeTempDirs}. */
export function makeTempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every folder made by {@link makeTempDir} so far. */
export function removeTempDirs() {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
