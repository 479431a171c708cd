/** Absolute path of the shared folder (not checked). */
export declare const sharedDir: string;
/** Absolute path under the shared fixtures; throws a clear error when missing. */
export declare function sharedPath(...parts: string[]): string;
/** The repository root. */
export declare const repoRoot: string;
