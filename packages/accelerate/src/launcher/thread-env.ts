/**
 * How many threads each rank's math may use. Every CPU backend sizes its thread pool to the
 * machine's cores; N ranks on one machine would then run N × cores threads that preempt each
 * other (and a collective waits for the slowest rank). torchrun sets `OMP_NUM_THREADS=1` per rank
 * when it starts several on a node and the user has not set it; ner-launch does the same, with
 * the cores shared out instead of one each: `floor(cores / local ranks)`, at least 1.
 */
import { availableParallelism } from 'node:os';
import type { EnvVars } from '../process-group/backend.js';

/** The variables set: @ner/tfjs-backend-native's pool (and OpenBLAS's), and OpenMP's. */
export const THREAD_ENV_KEYS = ['NER_NATIVE_THREADS', 'OMP_NUM_THREADS'] as const;

/**
 * The thread variables ner-launch adds to each rank's environment: none for a single local rank
 * or for a variable the user already set (in `env`), else `floor(cores / localWorldSize)`.
 */
export function threadEnv(
  localWorldSize: number,
  env: EnvVars,
  cores: number = availableParallelism(),
): Record<string, string> {
  if (localWorldSize <= 1) return {};
  const threads = String(Math.max(1, Math.floor(cores / localWorldSize)));
  const added: Record<string, string> = {};
  for (const key of THREAD_ENV_KEYS) {
    if (env[key] === undefined || env[key] === '') added[key] = threads;
  }
  return added;
}
