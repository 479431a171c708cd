// Types of build-fatbin.mjs, so the tests use its nvcc search instead of a copy that drifts.
export const FATBIN_PATH: string;
export const CUBIN_ARCHS: string[];
export const PTX_ARCH: string;
/** The nvcc flags: strict warnings, no FMA contraction. */
export function nvccFlags(): string[];
/** nvcc on the PATH, in CUDA_HOME/bin, CUDA_PATH/bin or /usr/local/cuda/bin, or null. */
export function findNvcc(): string | null;
/** Builds the fatbin unless it is up to date; never throws (a failure is a message). */
export function buildFatbin(options?: { force?: boolean; log?: (line: string) => void }): {
  built: boolean;
  path: string | null;
  message: string;
};
