// Locates the project's shared fixtures (corpora, vocab files, Python oracle
// outputs). They live in `../shared` beside the repository and are never copied
// into it; NER_SHARED_DIR overrides the location.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export { ADAMW_MULTI_SHAPES, adamwMultiSuite } from './adamw-multi-suite.js';
export { mulberry32, uniformFloat32 } from './random.cjs';
export { trainerAdamWMultiSuite } from './trainer-adamw-multi-suite.js';
export { makeTempDir, removeTempDirs } from './temp-dirs.js';
export { enospcError, fullDiskFsPromises } from './full-disk.js';
export { readmeSnippet, runSnippet, withAssertions } from './readme-snippet.js';
export { COMPARE_OPS, FLOAT_BINARY_OPS, opsByName } from './tfjs-ops.js';
export { tinyBertSizes, tinyDistilBertSizes, tinyTokenBatch } from './tiny-models.js';
export {
  compareParityRuns,
  PARITY_EVAL_ROWS,
  PARITY_TRAIN_ROWS,
  parityCollate,
  parityHolds,
  parityTrainingRun,
} from './training-parity.js';
export { packageVitestConfig, selfAliases, selfAliasMismatches } from './vitest-config.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of the shared folder (not checked). */
export const sharedDir = process.env.NER_SHARED_DIR
  ? resolve(process.env.NER_SHARED_DIR)
  : resolve(repoRoot, '..', 'shared');

/**
 * Absolute path of a file or folder under the shared fixtures; throws an error
 * that says what is missing and how to provide it when it does not exist.
 */
export function sharedPath(...parts) {
  const path = join(sharedDir, ...parts);
  if (!existsSync(path)) {
    throw new Error(
      `Shared fixture not found: ${path}. These tests read corpora and Python oracle outputs from ` +
        `the "shared" folder beside the repository (${sharedDir}); clone the repo next to it or set NER_SHARED_DIR.`,
    );
  }
  return path;
}

/** The repository root, for tests that spawn the repo's own scripts. */
export { repoRoot };
