// Types of index.mjs, for the TypeScript that imports it (tests).

export const TOOLCHAIN_HINT: string;

/** A package's own reading of a failed build's log, checked before the generic ones. */
export interface FailureRule {
  readonly pattern: RegExp;
  readonly failure: string;
  readonly hint: string;
}

export function findNodeGyp(): string | undefined;
export function isUpToDate(output: string, inputs: readonly string[]): boolean;
export function runNodeGyp(
  gyp: string,
  root: string,
  options?: { variables?: Record<string, string | number>; timeoutMinutes?: number },
): { ok: boolean; log: string };
export function explainFailure(
  log: string,
  rules?: readonly FailureRule[],
): { failure: string; hint: string };
export function failureLine(line: {
  what: string;
  hint: string;
  consequence: string;
  verboseVar: string;
  log: string;
}): string;
export function writeBuildRecord(file: string, record: Record<string, unknown>): void;
export function buildLockPath(root: string): string;
export function withBuildLock<T>(root: string, fn: () => T): T;
/** The build did not start: another build held its lock past the wait, or the lock was unwritable. */
export class BuildLockError extends Error {}
export function runLockedBuild(
  target: { root: string; recordFile: string; tag: string; what: string },
  build: () => string | readonly string[],
): void;
export function copyNativeBuild(packageRoot: string): void;
