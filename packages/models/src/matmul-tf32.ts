/**
 * TF32 matmuls, as `torch.backends.cuda.matmul.allow_tf32`: float32 products on tensor cores
 * with inputs rounded to 10 mantissa bits (about 1e-3 relative) and fp32 accumulation. Off
 * unless asked for; only a backend implementing the contract's `Tf32Backend` on a device that
 * has them (`cuda` on compute capability 8.0 and newer) can. `@ner/trainer` sets it from
 * `TrainingArguments.tf32`.
 */
import * as tf from '@tensorflow/tfjs-core';
// The backend side of the contract lives with the kernel names (tools/kernel-contract).
import { isTf32Backend, type Tf32Backend } from '../../../tools/kernel-contract/index.js';
import { BackendError } from './errors.js';

export type { Tf32Backend };

/** TF32 was asked of a backend or device that has no TF32 matmuls. */
export class Tf32UnsupportedError extends BackendError {
  constructor(
    /** `tf.getBackend()` when it was asked. */
    readonly backendName: string,
    /** Why: the backend has no TF32 at all, or its device's reason. */
    readonly reason: string,
  ) {
    super(
      `TF32 matmuls were asked for, but the active backend '${backendName}' cannot: ${reason}. ` +
        'TF32 needs the cuda backend on an Ampere or newer GPU (Python\'s "--tf32 requires Ampere or a newer GPU arch").',
    );
  }
}

/** Why the active backend cannot run TF32 matmuls, or null when it can. */
function tf32Unavailable(): string | null {
  const backend = tf.backend();
  if (!isTf32Backend(backend)) return 'it has no TF32 matmuls';
  return backend.tf32Unavailable();
}

/** Whether the active backend can run float32 matmuls in TF32 (Python `is_torch_tf32_available`). */
export function tf32Supported(): boolean {
  return tf32Unavailable() === null;
}

/** Whether the active backend's float32 matmuls may use TF32 now (false where it has none). */
export function matMulTf32(): boolean {
  const backend = tf.backend();
  return isTf32Backend(backend) && backend.allowTf32();
}

/**
 * Lets the active backend's float32 matmuls use TF32 (`true`) or keeps them exact (`false`), as
 * setting `torch.backends.cuda.matmul.allow_tf32`: a global switch, left as set. Turning it off
 * where there is no TF32 does nothing.
 *
 * @throws {Tf32UnsupportedError} when `allow` is true and the backend or its device has none.
 * @example
 * setMatMulTf32(true); // bert-base GEMMs on tensor cores, ~1e-3 relative error
 */
export function setMatMulTf32(allow: boolean): void {
  const backend = tf.backend();
  const why = tf32Unavailable();
  if (why !== null) {
    if (allow) throw new Tf32UnsupportedError(tf.getBackend(), why);
    return;
  }
  (backend as unknown as Tf32Backend).setAllowTf32(allow);
}
