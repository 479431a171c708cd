/**
 * What scripts/build-addon.mjs recorded in build/ner-build.json, read when the addon is missing
 * (to say why in one line) or loaded (to say whether OpenBLAS is linked and why not).
 */
import { readFileSync, statSync } from 'node:fs';

/** The install script's record of its last run. */
export interface AddonBuildStatus {
  readonly built: boolean;
  /** Whether the addon links OpenBLAS. */
  readonly openblas?: boolean;
  /** Why the build failed or was skipped. */
  readonly failure?: 'skipped' | 'toolchain' | 'errors';
  /** One line for people: where OpenBLAS came from, or why it was left out, or what failed. */
  readonly detail?: string;
}

/** The pnpm setting that lets this package's install script run (pnpm 10 skips it otherwise). */
export const PNPM_ALLOW_BUILD_LINE =
  'onlyBuiltDependencies: ["@ner/tfjs-backend-native"] in pnpm-workspace.yaml (or "pnpm": { "onlyBuiltDependencies": ["@ner/tfjs-backend-native"] } in package.json)';

const REBUILD =
  'then run `pnpm rebuild @ner/tfjs-backend-native` (npm: `npm rebuild @ner/tfjs-backend-native`)';

/** The file's content, or null when it is missing, unreadable, too big or not this shape. */
export function readBuildStatus(path: string): AddonBuildStatus | null {
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
    return parsed as AddonBuildStatus;
  } catch {
    return null;
  }
}

/** Why the addon file is missing, in one line with what to do, from the install script's record. */
export function missingAddonReason(status: AddonBuildStatus | null): string {
  if (!status) {
    return (
      'the native addon was never built: its install script did not run (pnpm 10 runs no build scripts of ' +
      `dependencies unless allowed; add ${PNPM_ALLOW_BUILD_LINE}, ${REBUILD}; with npm, do not pass --ignore-scripts)`
    );
  }
  if (status.failure === 'skipped') return `the native addon was not built: ${status.detail ?? 'skipped'}`;
  if (status.failure === 'toolchain') {
    return `the native addon was not built: no C++ toolchain was found at install (apt-get install -y g++ make python3), ${REBUILD}`;
  }
  if (status.failure === 'errors') {
    return `the native addon failed to compile (NER_NATIVE_VERBOSE=1 pnpm rebuild @ner/tfjs-backend-native shows the compiler's log)`;
  }
  return `the native addon is missing although its build reported success (${REBUILD})`;
}

const KERNEL_LABELS: Record<string, string> = {
  avx512: 'AVX-512 GEMM',
  avx2: 'AVX2 GEMM',
  generic: 'portable GEMM',
  openblas: 'OpenBLAS GEMM',
};

/**
 * The backend line's reason, e.g. "AVX-512 GEMM, OpenBLAS not found": which kernel runs the
 * products and whether OpenBLAS is linked (and why not, from the build's record).
 */
export function describeGemm(
  kernel: string,
  linkedOpenBlas: boolean,
  status: AddonBuildStatus | null,
): string {
  const label = KERNEL_LABELS[kernel] ?? `${kernel} GEMM`;
  if (kernel === 'openblas') return label;
  if (linkedOpenBlas) return `${label}, OpenBLAS linked`;
  const detail = status?.detail ?? '';
  if (detail.includes('NER_NATIVE_NO_OPENBLAS'))
    return `${label}, OpenBLAS left out by NER_NATIVE_NO_OPENBLAS=1`;
  if (detail.includes('not linkable')) return `${label}, OpenBLAS found but not linkable`;
  return `${label}, OpenBLAS not found`;
}
