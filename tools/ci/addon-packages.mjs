// What the packed-install check knows of the packages that build an addon at install.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The addon (`.node`) and kernel (`.fatbin`) files under a package's build folder, relative to
 * it (node-gyp's object files left out).
 */
export function builtAddonFiles(dir, prefix = '') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) {
      return entry.name === 'obj.target'
        ? []
        : builtAddonFiles(join(dir, entry.name), `${prefix}${entry.name}/`);
    }
    return /\.(node|fatbin)$/.test(entry.name) ? [`${prefix}${entry.name}`] : [];
  });
}

/**
 * For each package with an install script: an expression (awaited in an ES module) that gives
 * the reason its addon is unavailable, as a user reads it. Installed without running install
 * scripts (pnpm 10's default), each must say the script did not run and how to allow it.
 */
export const NEVER_RAN_PROBES = {
  '@ner/tfjs-backend-native': `(await import('@ner/tfjs-backend-native')).nativeBackendInfo().reason`,
  '@ner/tfjs-backend-cuda': `(await (await import('@ner/tfjs-backend-cuda')).cudaReady).reason`,
  // The engine loads the addon before it connects to the store (port 1: nothing is reached).
  '@ner/accelerate': `await (await import('@ner/accelerate/internal'))
      .createGlooBackend({ rank: 0, worldSize: 2, timeoutMs: 1000, store: { host: '127.0.0.1', port: 1, secret: 's'.repeat(32), prefix: 'p' } })
      .then(() => 'the gloo backend was created', (error) => error.message)`,
};
