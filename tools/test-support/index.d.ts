/** Absolute path of the shared folder (not checked). */
export declare const sharedDir: string;
/** Absolute path under the shared fixtures; throws a clear error when missing. */
export declare function sharedPath(...parts: string[]): string;
/** The repository root. */
export declare const repoRoot: string;
/** A uniform generator in [0, 1) from a 32-bit seed (mulberry32): the same sequence everywhere. */
export declare function mulberry32(seed: number): () => number;
/** `size` float32 values uniform in [low, high) (default [-2, 2)), drawn from `random`. */
export declare function uniformFloat32(
  random: () => number,
  size: number,
  low?: number,
  high?: number,
): Float32Array;
