/**
 * Tensors on existing data without a kernel call, for first-order gradients: the tensors saved
 * for the backward pass ({@link withLeanSaves}) and the reshapes of gradient functions
 * ({@link reshapeView}).
 *
 * Why: tfjs-core keeps each tensor a gradient will need (a kernel's inputs or outputs) by
 * `engine.clone`, which runs the Identity kernel through the whole engine and records a tape node
 * for it, so that a gradient of the gradient could flow through the copy. {@link
 * PreTrainedModel.computeGradients} takes one gradient, never a second, so neither is needed:
 * on a bert-base training step those clones were 534 of 1,628 kernel calls, and their tape
 * nodes a third of the tape that `tf.variableGrads` filters.
 *
 * On the backends whose Identity kernel returns the same data with one more reference (cpu,
 * native, cuda), a saved tensor made here is what Identity would have made: a new tensor on the
 * same data id, the reference raised through `backend.incRef`, tracked by the engine and freed
 * when the gradient ends. Only the tape node is missing. Elsewhere (wasm copies in Identity) and
 * under an outer gradient (whose second-order tape needs the nodes), tfjs' own clone stays.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Backends whose Identity and Reshape kernels share their input's data (`incRef`), never copy
 * it, for every dtype.
 */
const SHARING_BACKENDS: ReadonlySet<string> = new Set(['cpu', 'native', 'cuda']);

/** The parts of tfjs-core's engine this module uses (tfjs-core 4.x, not in its public types). */
interface EngineInternals {
  state: { gradientDepth: number };
  backend: tf.KernelBackend;
  clone?: (x: tf.Tensor) => tf.Tensor;
  makeTensorFromTensorInfo(info: tf.TensorInfo, backend?: tf.KernelBackend): tf.Tensor;
}

function engineInternals(): EngineInternals | null {
  const engine = tf.engine() as unknown as Partial<EngineInternals>;
  const usable =
    typeof engine.state?.gradientDepth === 'number' &&
    typeof engine.makeTensorFromTensorInfo === 'function' &&
    typeof (engine as { clone?: unknown }).clone === 'function';
  return usable ? (engine as EngineInternals) : null;
}

/**
 * Runs `fn` (which takes one gradient, e.g. `tf.variableGrads`) with tensors saved for the
 * backward pass made without the Identity kernel and its tape node (see the module comment).
 * Falls back to tfjs' own saves on other backends, inside an outer gradient, or when called
 * again from within `fn`.
 */
export function withLeanSaves<T>(fn: () => T): T {
  const engine = engineInternals();
  if (
    !engine ||
    engine.state.gradientDepth > 0 ||
    Object.hasOwn(engine, 'clone') ||
    !SHARING_BACKENDS.has(tf.getBackend())
  ) {
    return fn();
  }
  const backend = engine.backend;
  engine.clone = (x: tf.Tensor) => shareData(engine, backend, x, x.shape);
  try {
    return fn();
  } finally {
    delete engine.clone;
  }
}

/** A tensor on `x`'s data with one more reference: what Identity and Reshape return there. */
function shareData(
  engine: EngineInternals,
  backend: tf.KernelBackend,
  x: tf.Tensor,
  shape: number[],
): tf.Tensor {
  // These backends keep their data in tfjs' DataStorage, whose lookup in incRef first moves
  // data that lives on another backend, as running the kernel would.
  backend.incRef(x.dataId);
  return engine.makeTensorFromTensorInfo({ dataId: x.dataId, shape, dtype: x.dtype }, backend);
}

/**
 * `tf.reshape(x, shape)` for gradient functions. While no tape records (the backward pass of a
 * first-order gradient), on the backends whose Reshape shares data, the view is made without the
 * kernel call: the same tensor Reshape returns, minus the engine's bookkeeping (about 190 calls
 * in a bert-base backward pass). Recording a tape, or elsewhere, it is `tf.reshape`.
 */
export function reshapeView(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  const engine = engineInternals();
  if (!engine || tf.engine().isTapeOn() || !SHARING_BACKENDS.has(tf.getBackend())) {
    return tf.reshape(x, [...shape]);
  }
  const resolved = tf.util.inferFromImplicitShape([...shape], x.size);
  if (tf.util.sizeFromShape(resolved) !== x.size) return tf.reshape(x, [...shape]); // tfjs' error
  return shareData(engine, engine.backend, x, resolved);
}
