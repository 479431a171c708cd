/**
 * NCCL collectives on the device memory of `cuda` tensors, as `torch.distributed` does them with
 * the `nccl` backend: one communicator per process (one GPU per rank), made from a 128-byte
 * unique id that rank 0 creates ({@link ncclGetUniqueId}) and hands to the others (through a
 * store), collectives queued on the backend's stream, and completion awaited off the main thread
 * with a deadline: past it the communicator is aborted (`ncclCommAbort`) and the promise rejects
 * with an {@link NcclTimeoutError}, so a dead peer cannot hang a rank forever.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CudaBackend, type CudaTensorData } from '../backend.js';
import { NcclError, NcclTimeoutError, NcclUnavailableError } from '../errors.js';
import {
  NCCL_DATA_TYPES,
  NCCL_REDUCE_OPS,
  type NcclNativeComm,
  type NcclProvider,
  type NcclReduceOp,
  type NcclStatus,
} from './types.js';

/** Default deadline of set-up and of each collective (PyTorch's is 10 minutes; ranks here fail fast). */
export const NCCL_DEFAULT_TIMEOUT_MS = 30_000;
/** Bytes of an NCCL unique id. */
export const NCCL_UNIQUE_ID_BYTES = 128;
const MAX_WORLD_SIZE = 65_536;

/** Options of {@link NcclCommunicator.init}. */
export interface NcclCommunicatorOptions {
  /** The `cuda` backend whose device and stream to use (default: tfjs' current backend). */
  readonly backend?: CudaBackend;
  /** Deadline of set-up and of each collective, in milliseconds (default {@link NCCL_DEFAULT_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
}

function currentCudaBackend(what: string): CudaBackend {
  const backend = tf.backend();
  if (!(backend instanceof CudaBackend)) {
    throw new NcclError(
      `${what}: NCCL works on the cuda backend's device memory, but tfjs' backend is '${tf.getBackend()}' (await tf.setBackend('cuda') first, or pass {backend})`,
    );
  }
  return backend;
}

function providerOf(backend: CudaBackend): NcclProvider {
  const provider = backend.device.nccl?.();
  if (!provider) throw new NcclUnavailableError('unavailable: this CUDA device offers no NCCL');
  return provider;
}

/** Turns the addon's plain errors into typed ones (timeouts, a missing library, NCCL results). */
function typedError(error: unknown): NcclError {
  if (error instanceof NcclError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/timed out after/.test(message)) return new NcclTimeoutError(message, { cause: error });
  if (/^unavailable: /.test(message)) return new NcclUnavailableError(message, { cause: error });
  return new NcclError(message, { cause: error });
}

/** Whether NCCL can be used with the current (or given) `cuda` backend; never throws. */
export function ncclStatus(backend?: CudaBackend): NcclStatus {
  try {
    return providerOf(backend ?? currentCudaBackend('ncclStatus')).status();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      available: false,
      reason: message.startsWith('unavailable: ') ? message : `unavailable: ${message}`,
    };
  }
}

/**
 * A new NCCL unique id (`ncclGetUniqueId`): 128 bytes that rank 0 makes and sends to every other
 * rank before {@link NcclCommunicator.init}. Throws {@link NcclUnavailableError} without libnccl.
 */
export function ncclGetUniqueId(backend?: CudaBackend): Uint8Array {
  const provider = providerOf(backend ?? currentCudaBackend('ncclGetUniqueId'));
  const status = provider.status();
  if (!status.available) throw new NcclUnavailableError(status.reason);
  try {
    return new Uint8Array(provider.getUniqueId());
  } catch (error) {
    throw typedError(error);
  }
}

/** See the module comment. Tensors must live on the communicator's `cuda` backend. */
export class NcclCommunicator {
  private destroyed = false;

  private constructor(
    private readonly native: NcclNativeComm,
    private readonly backend: CudaBackend,
    /** Deadline of each collective, in milliseconds. */
    readonly timeoutMs: number,
  ) {}

  /** Number of ranks. */
  get worldSize(): number {
    return this.native.worldSize;
  }

  /** This process's rank. */
  get rank(): number {
    return this.native.rank;
  }

  /**
   * Joins the communicator of `worldSize` ranks as `rank` (`ncclCommInitRankConfig`, nonblocking);
   * resolves once every rank has joined, rejects with {@link NcclTimeoutError} after the deadline.
   */
  static async init(
    uniqueId: Uint8Array,
    worldSize: number,
    rank: number,
    options: NcclCommunicatorOptions = {},
  ): Promise<NcclCommunicator> {
    if (!(uniqueId instanceof Uint8Array) || uniqueId.length !== NCCL_UNIQUE_ID_BYTES) {
      throw new NcclError(
        `NcclCommunicator.init: the unique id must be a Uint8Array of ${NCCL_UNIQUE_ID_BYTES} bytes (from ncclGetUniqueId), got ${uniqueId instanceof Uint8Array ? `${uniqueId.length} bytes` : typeof uniqueId}`,
      );
    }
    if (!Number.isInteger(worldSize) || worldSize < 1 || worldSize > MAX_WORLD_SIZE) {
      throw new NcclError(
        `NcclCommunicator.init: worldSize ${worldSize} is not an integer in [1, ${MAX_WORLD_SIZE}]`,
      );
    }
    if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) {
      throw new NcclError(`NcclCommunicator.init: rank ${rank} is not an integer in [0, ${worldSize})`);
    }
    const timeoutMs = options.timeoutMs ?? NCCL_DEFAULT_TIMEOUT_MS;
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
      throw new NcclError(`NcclCommunicator.init: timeoutMs ${timeoutMs} is not a positive number`);
    }
    const backend = options.backend ?? currentCudaBackend('NcclCommunicator.init');
    const provider = providerOf(backend);
    const status = provider.status();
    if (!status.available) throw new NcclUnavailableError(status.reason);
    try {
      const native = await provider.init(uniqueId, worldSize, rank, timeoutMs);
      return new NcclCommunicator(native, backend, timeoutMs);
    } catch (error) {
      throw typedError(error);
    }
  }

  /**
   * Reduces `tensor` across ranks in place (`ncclAllReduce` on its device buffer), like
   * `torch.distributed.all_reduce`. Tensors that share the buffer (reshapes of it) see the result
   * too. `avg` needs float32.
   */
  async allReduce(tensor: tf.Tensor, op: NcclReduceOp = 'sum'): Promise<void> {
    const { entry, type } = this.operand('allReduce', tensor, true);
    const opCode = this.reduceOp('allReduce', op, tensor);
    if (!entry.block) return;
    const ptr = entry.block.ptr;
    this.backend.wroteInPlace(tensor);
    await this.run(() => this.native.allReduce(ptr, ptr, tensor.size, type, opCode, this.timeoutMs));
  }

  /**
   * Every rank's `tensor`, concatenated along the first axis in rank order (a new tensor of shape
   * `[worldSize * d0, ...]`, or `[worldSize]` for a scalar), like `all_gather_into_tensor`.
   */
  async allGather(tensor: tf.Tensor): Promise<tf.Tensor> {
    const { entry, type } = this.operand('allGather', tensor, false);
    const outShape =
      tensor.rank === 0
        ? [this.worldSize]
        : [this.worldSize * (tensor.shape[0] as number), ...tensor.shape.slice(1)];
    const out = this.backend.makeOutput(outShape, tensor.dtype);
    const result = tf.engine().makeTensorFromTensorInfo(out, this.backend);
    const recv = this.backend.data.get(out.dataId)?.block;
    if (!entry.block || !recv) return result;
    const send = entry.block.ptr;
    try {
      await this.run(() => this.native.allGather(send, recv.ptr, tensor.size, type, this.timeoutMs));
    } catch (error) {
      result.dispose();
      throw error;
    }
    return result;
  }

  /** Overwrites `tensor` on every rank with rank `root`'s (`ncclBroadcast`, in place). */
  async broadcast(tensor: tf.Tensor, root = 0): Promise<void> {
    const { entry, type } = this.operand('broadcast', tensor, false);
    if (!Number.isInteger(root) || root < 0 || root >= this.worldSize) {
      throw new NcclError(
        `broadcast: root ${root} is not a rank of this communicator (0..${this.worldSize - 1})`,
      );
    }
    if (!entry.block) return;
    const ptr = entry.block.ptr;
    this.backend.wroteInPlace(tensor);
    await this.run(() => this.native.broadcast(ptr, ptr, tensor.size, type, root, this.timeoutMs));
  }

  /**
   * Reduces `tensor` across ranks and gives each rank its slice of the first axis (a new tensor of
   * shape `[d0 / worldSize, ...]`), like `reduce_scatter_tensor`; `d0` must divide evenly.
   */
  async reduceScatter(tensor: tf.Tensor, op: NcclReduceOp = 'sum'): Promise<tf.Tensor> {
    const { entry, type } = this.operand('reduceScatter', tensor, true);
    const opCode = this.reduceOp('reduceScatter', op, tensor);
    const first = tensor.shape[0];
    if (first === undefined || first % this.worldSize !== 0) {
      throw new NcclError(
        `reduceScatter: the first axis of a tensor of shape [${tensor.shape.join(', ')}] must be a multiple of worldSize ${this.worldSize}`,
      );
    }
    const out = this.backend.makeOutput([first / this.worldSize, ...tensor.shape.slice(1)], tensor.dtype);
    const result = tf.engine().makeTensorFromTensorInfo(out, this.backend);
    const recv = this.backend.data.get(out.dataId)?.block;
    if (!entry.block || !recv) return result;
    const send = entry.block.ptr;
    try {
      await this.run(() =>
        this.native.reduceScatter(send, recv.ptr, result.size, type, opCode, this.timeoutMs),
      );
    } catch (error) {
      result.dispose();
      throw error;
    }
    return result;
  }

  /** `ncclCommAbort`: pending collectives fail and this communicator is unusable (any rank may call it). */
  abort(reason = 'aborted by the caller'): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.native.abort(reason);
  }

  /**
   * Finalizes and frees the communicator (`ncclCommFinalize` + `ncclCommDestroy`), waiting up to
   * the deadline for queued collectives; aborts instead past it.
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      this.native.destroy(this.timeoutMs);
    } catch (error) {
      throw typedError(error);
    }
  }

  /** Queues `enqueue`'s collective, then waits for the stream; errors become typed. */
  private async run(enqueue: () => void): Promise<void> {
    try {
      enqueue();
      await this.native.wait(this.timeoutMs);
    } catch (error) {
      throw typedError(error);
    }
  }

  private operand(
    call: string,
    tensor: tf.Tensor,
    reduces: boolean,
  ): { entry: CudaTensorData; type: number } {
    if (this.destroyed) throw new NcclError(`${call}: the communicator was destroyed or aborted`);
    if (tensor.isDisposed) throw new NcclError(`${call}: the tensor is disposed`);
    const entry = this.backend.data.has(tensor.dataId) ? this.backend.data.get(tensor.dataId) : undefined;
    if (!entry) {
      throw new NcclError(
        `${call}: the tensor (shape [${tensor.shape.join(', ')}]) is not on this communicator's cuda backend`,
      );
    }
    const dtype = entry.dtype;
    if (dtype !== 'float32' && dtype !== 'int32' && !(dtype === 'bool' && !reduces)) {
      throw new NcclError(
        `${call}: a ${dtype} tensor cannot be ${reduces ? 'reduced' : 'sent'} (float32 or int32${reduces ? '' : ', or bool'} only)`,
      );
    }
    // bool is stored as int32 0/1 on the device.
    return { entry, type: dtype === 'float32' ? NCCL_DATA_TYPES.float32 : NCCL_DATA_TYPES.int32 };
  }

  private reduceOp(call: string, op: NcclReduceOp, tensor: tf.Tensor): number {
    const code = Object.hasOwn(NCCL_REDUCE_OPS, op) ? NCCL_REDUCE_OPS[op] : undefined;
    if (code === undefined) throw new NcclError(`${call}: op '${op}' is not one of sum, max, min, avg`);
    if (op === 'avg' && tensor.dtype !== 'float32') {
      throw new NcclError(
        `${call}: 'avg' needs a float32 tensor, got ${tensor.dtype} (use 'sum' and divide)`,
      );
    }
    return code;
  }
}
