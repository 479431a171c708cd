/**
 * The record an @ner addon's install script leaves in `build/ner-build.json` (index.mjs'
 * `writeBuildRecord`), read when the addon is missing to say in one line what really happened:
 * the install script never ran (pnpm 10 runs none of a dependency's unless allowed), it was told
 * to skip, a toolchain or library was missing, or the compiler failed. Each package imports this
 * file at build time and tsup bundles it into its dist/, as load-addon.ts.
 */
import { readFileSync, statSync } from 'node:fs';

/** What the install script recorded about its last run. */
export interface AddonBuildRecord {
  readonly built: boolean;
  /**
   * Why the build failed or was skipped ('library': a system library the addon links was missing;
   * 'lock': another build of the package held its lock past the wait, or the lock was unwritable).
   */
  readonly failure?: 'skipped' | 'toolchain' | 'errors' | 'library' | 'lock';
  /** One line for people: what was found, or why the build was left out, or what failed. */
  readonly detail?: string;
}

/** The addon a missing-addon line is about. */
export interface AddonIdentity {
  /** How the line names it, e.g. "the CUDA addon". */
  readonly what: string;
  /** The npm package whose install script builds it. */
  readonly packageName: string;
  /** The variable that makes the build print the compiler's log, e.g. "NER_CUDA_VERBOSE". */
  readonly verboseVar: string;
}

/** The pnpm setting that lets `packageName`'s install script run (pnpm 10 skips it otherwise). */
export function pnpmAllowBuildLine(packageName: string): string {
  return `onlyBuiltDependencies: ["${packageName}"] in pnpm-workspace.yaml (or "pnpm": { "onlyBuiltDependencies": ["${packageName}"] } in package.json)`;
}

function rebuildHint(packageName: string): string {
  return `then run \`pnpm rebuild ${packageName}\` (npm: \`npm rebuild ${packageName}\`)`;
}

/** The record at `path`, or null when it is missing, unreadable, too big or not this shape. */
export function readBuildRecord<T extends AddonBuildRecord = AddonBuildRecord>(path: string): T | null {
  try {
    // The file is ours and tiny; anything bigger is not it (read nothing rather than a lot).
    if (statSync(path).size > 64 * 1024) return null;
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      typeof (parsed as { built?: unknown }).built !== 'boolean'
    ) {
      return null;
    }
    return parsed as T;
  } catch {
    return null;
  }
}

/** Why the addon file is missing, in one line with what to do, from the install script's record. */
export function missingAddonReason(record: AddonBuildRecord | null, addon: AddonIdentity): string {
  const { what, packageName, verboseVar } = addon;
  const rebuild = rebuildHint(packageName);
  if (!record) {
    // npm 11's allowScripts (`npm install-scripts approve`) is the same gate on npm's side.
    return (
      `${what} was never built: its install script did not run (pnpm 10 runs no build scripts of ` +
      `dependencies unless allowed; add ${pnpmAllowBuildLine(packageName)}, ${rebuild}; with npm, ` +
      `allow it with \`npm install-scripts approve ${packageName}\` where npm asks, and do not pass --ignore-scripts)`
    );
  }
  if (record.failure === 'skipped') return `${what} was not built: ${record.detail ?? 'skipped'}`;
  if (record.failure === 'toolchain') {
    return `${what} was not built: no C++ toolchain was found at install (apt-get install -y g++ make python3), ${rebuild}`;
  }
  if (record.failure === 'errors') {
    return `${what} failed to compile (${verboseVar}=1 pnpm rebuild ${packageName} shows the compiler's log)`;
  }
  if (record.failure === 'lock') {
    return `${what} was not built: ${record.detail ?? 'another build held its lock'}, ${rebuild} once that build has ended`;
  }
  if (record.failure === 'library') {
    return `${what} was not built: ${record.detail ?? 'a library it links was missing'}, ${rebuild}`;
  }
  return `${what} is missing although its build reported success (${rebuild})`;
}
