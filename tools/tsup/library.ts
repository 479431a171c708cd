/**
 * The tsup build every @ner package shares, imported by each package's tsup.config.ts (configs are
 * not published: a package builds from its own folder with this file beside the repo's tools/).
 * Libraries: ESM + CJS with types and source maps for Node 20 (es2022). Bins: ESM only (top-level
 * await, the shebang kept), no types.
 */
import type { Options } from 'tsup';

const SHARED: Options = { sourcemap: true, target: 'es2022' };

/** A library build of `entry`; `extra` adds to or overrides the shared options (e.g. `shims`). */
export function libraryBuild(entry: Options['entry'], extra: Options = {}): Options {
  return { ...SHARED, entry, format: ['esm', 'cjs'], dts: true, clean: true, ...extra };
}

/** A command-line build of `entry`: ESM only, no types, never cleans (it shares dist/ with the library). */
export function binBuild(entry: Options['entry'], extra: Options = {}): Options {
  return { ...SHARED, entry, format: ['esm'], ...extra };
}
