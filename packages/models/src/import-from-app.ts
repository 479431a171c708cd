/**
 * Imports an optional backend package the way the application would. `initBackend` first imports
 * it from here, which works in npm's flat layout; in isolated layouts (pnpm, workspaces) @ner/models
 * sees only its own dependencies, so a backend the application installed is resolved again from the
 * application's main script. Not from the working directory: a command run inside a folder it does
 * not own must not load code from that folder's node_modules.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the application's own imports resolve from: its main script's folder (none under `node -e`). */
export function applicationFolders(): string[] {
  const main = process.argv[1];
  if (!main) return [];
  try {
    return [dirname(realpathSync(main))]; // as Node resolves the main module's own imports
  } catch {
    return [dirname(main)];
  }
}

/** The ESM entry `exports["."]` (or `module`, `main`) names in a package.json. */
function esmEntry(manifest: { exports?: unknown; module?: string; main?: string }): string | null {
  const root = (manifest.exports as Record<string, unknown> | undefined)?.['.'] ?? manifest.exports;
  const pick = (value: unknown): string | null => {
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') {
      const conditions = value as Record<string, unknown>;
      for (const key of ['import', 'node', 'default']) {
        const found = pick(conditions[key]);
        if (found) return found;
      }
    }
    return null;
  };
  return pick(root) ?? manifest.module ?? manifest.main ?? null;
}

/**
 * The package's folder as an import from `folder` finds it: `node_modules/<specifier>` in the
 * folder or the nearest ancestor (as ESM resolution does: no NODE_PATH, no global folders).
 */
function packageFolder(specifier: string, folder: string): string | null {
  for (let dir = folder; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', specifier);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === parse(dir).root) return null;
  }
}

/**
 * The module `specifier` as the application at `folders` would import it (ESM entry), or null
 * when none of them has it installed.
 */
export async function importFromApplication(
  specifier: string,
  folders: readonly string[] = applicationFolders(),
): Promise<unknown | null> {
  for (const folder of folders) {
    const dir = packageFolder(specifier, folder);
    if (!dir) continue;
    const entry = esmEntry(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')));
    if (!entry) continue;
    return import(pathToFileURL(join(dir, entry)).href);
  }
  return null;
}
