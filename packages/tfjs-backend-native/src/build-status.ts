/**
 * What scripts/build-addon.mjs recorded in build/ner-build.json, read when the addon is missing
 * (to say why in one line) or loaded (to say whether OpenBLAS is linked and why not).
 */
import {
  type AddonBuildRecord,
  missingAddonReason as missingReason,
  pnpmAllowBuildLine,
  readBuildRecord,
} from '../../../tools/native-build/build-record.js';

/** The install script's record of its last run. */
export interface AddonBuildStatus extends AddonBuildRecord {
  /** Whether the addon links OpenBLAS. */
  readonly openblas?: boolean;
}

/** The pnpm setting that lets this package's install script run (pnpm 10 skips it otherwise). */
export const PNPM_ALLOW_BUILD_LINE = pnpmAllowBuildLine('@ner/tfjs-backend-native');

/** The content of build/ner-build.json, or null when it is missing, unreadable, too big or not this shape. */
export function readBuildStatus(path: string): AddonBuildStatus | null {
  return readBuildRecord<AddonBuildStatus>(path);
}

/** Why the addon file is missing, in one line with what to do, from the install script's record. */
export function missingAddonReason(status: AddonBuildStatus | null): string {
  return missingReason(status, {
    what: 'the native addon',
    packageName: '@ner/tfjs-backend-native',
    verboseVar: 'NER_NATIVE_VERBOSE',
  });
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
