/**
 * Loading an optional N-API addon, as both @ner tfjs backends do: the addon or the one-line reason
 * it is not there, never a throw (the backend then reports itself unavailable, saying why). Each
 * backend imports this file at build time and tsup bundles it into its dist/.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The addon, or why it is not available (exactly one of the two is null). */
export interface OptionalAddon<T> {
  readonly addon: T | null;
  readonly error: string | null;
}

/**
 * Loads the addon at `path`. A missing file gives `missingReason()` (what to do about it); one
 * that fails to load (wrong platform, missing shared library) gives "<what> failed to load: <the
 * loader's first line>". `beforeLoad` runs just before the require (environment a library reads
 * when it loads).
 */
export function loadOptionalAddon<T>(
  path: string,
  what: string,
  missingReason: () => string,
  beforeLoad?: () => void,
): OptionalAddon<T> {
  if (!existsSync(path)) return { addon: null, error: missingReason() };
  beforeLoad?.();
  try {
    return { addon: createRequire(import.meta.url)(path) as T, error: null };
  } catch (error) {
    return { addon: null, error: `${what} failed to load: ${(error as Error).message.split('\n')[0]}` };
  }
}
