/**
 * The `nccl` engine: collectives between GPUs through @ner/tfjs-backend-cuda's NcclCommunicator
 * (libnccl.so.2 loaded at run time, one GPU per rank, work on the `cuda` backend's stream, a
 * deadline that aborts the communicator). Rank 0 makes the NCCL unique id and publishes it in the
 * rendezvous store; the other ranks read it from there, as torch's ProcessGroupNCCL does.
 *
 * The engine contract is host arrays, so each collective uploads the array into a `cuda` tensor,
 * runs on the device and reads the result back; `allReduceTensor` reduces a `cuda` tensor where it
 * is (the Accelerator's gradient averaging). NCCL reduces float32 and int32 here; a Float64Array
 * or Uint8Array is moved bit for bit (all-gather, broadcast) but not reduced. @ner/tfjs-backend-cuda
 * is loaded by name at run time: @ner/accelerate does not depend on it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, CollectiveError } from '../errors.js';
import type {
  BackendInit,
  CollectiveBackend,
  HostArray,
  ReduceOp,
  ReducibleArray,
} from '../process-group/backend.js';
import { TcpStoreClient } from '../store/tcp-store-client.js';

/** How to get the engine (printed with every "unavailable"). */
export const NCCL_INSTALL_HINT =
  'Install @ner/tfjs-backend-cuda, run on a machine with an NVIDIA GPU, and make libnccl.so.2 findable (PyTorch wheels bring it; or set NER_CUDA_LIB_DIR), then call `await tf.setBackend("cuda")` before creating the process group.';

/** The key of the unique id in the store (under the group's prefix). */
const UNIQUE_ID_KEY = 'nccl_unique_id';
/** A variable, so bundlers and TypeScript leave the optional package alone. */
const CUDA_PACKAGE = '@ner/tfjs-backend-cuda';

type NcclOp = 'sum' | 'max' | 'min' | 'avg';

/** The part of @ner/tfjs-backend-cuda this engine uses. */
export interface NcclCommunicatorLike {
  allReduce(tensor: tf.Tensor, op: NcclOp): Promise<void>;
  allGather(tensor: tf.Tensor): Promise<tf.Tensor>;
  broadcast(tensor: tf.Tensor, root: number): Promise<void>;
  reduceScatter(tensor: tf.Tensor, op: NcclOp): Promise<tf.Tensor>;
  destroy(): void;
}
/** The exports of @ner/tfjs-backend-cuda this engine uses. */
export interface CudaModule {
  cudaReady: Promise<{ available: boolean; reason?: string }>;
  ncclStatus(): { available: boolean; reason?: string };
  ncclGetUniqueId(): Uint8Array;
  NcclCommunicator: {
    init(
      id: Uint8Array,
      worldSize: number,
      rank: number,
      options: { timeoutMs: number },
    ): Promise<NcclCommunicatorLike>;
  };
}

const NCCL_OPS: Readonly<Record<ReduceOp, NcclOp>> = { sum: 'sum', mean: 'avg', max: 'max', min: 'min' };

async function loadCudaPackage(): Promise<CudaModule> {
  let cuda: CudaModule;
  try {
    cuda = (await import(CUDA_PACKAGE)) as CudaModule;
  } catch (error) {
    throw new BackendUnavailableError(
      'nccl',
      `${CUDA_PACKAGE} cannot be imported (${(error as Error).message.split('\n')[0]})`,
      NCCL_INSTALL_HINT,
    );
  }
  const status = await cuda.cudaReady;
  if (!status.available)
    throw new BackendUnavailableError('nccl', `no CUDA device: ${status.reason}`, NCCL_INSTALL_HINT);
  if (tf.getBackend() !== 'cuda') {
    throw new BackendUnavailableError(
      'nccl',
      `tfjs' backend is '${tf.getBackend()}', not 'cuda'`,
      NCCL_INSTALL_HINT,
    );
  }
  const nccl = cuda.ncclStatus();
  if (!nccl.available)
    throw new BackendUnavailableError('nccl', nccl.reason ?? 'libnccl is unavailable', NCCL_INSTALL_HINT);
  return cuda;
}

/**
 * Makes (rank 0) or reads (the others) the unique id through the store, then joins the NCCL
 * communicator; fails after `init.timeoutMs` when a rank does not arrive.
 *
 * @throws {BackendUnavailableError} without @ner/tfjs-backend-cuda, a GPU, the `cuda` backend or libnccl.
 * @throws {CollectiveError} when the rendezvous or NCCL's set-up fails or times out.
 * @example
 * ```ts
 * await tf.setBackend('cuda');
 * const backend = await createNcclBackend({ rank, worldSize, timeoutMs: 30_000,
 *   store: { host: '127.0.0.1', port: 29500, secret, prefix: 'pg0' } });
 * await backend.allReduce(grads, 'mean');
 * await backend.close();
 * ```
 */
export async function createNcclBackend(
  init: BackendInit,
  /** Where the cuda package comes from (tests pass one over a fake device). */
  loadCuda: () => Promise<CudaModule> = loadCudaPackage,
): Promise<CollectiveBackend> {
  const { rank, worldSize, timeoutMs, store } = init;
  const cuda = await loadCuda();
  const client = await TcpStoreClient.connect({
    host: store.host,
    port: store.port,
    secret: store.secret,
    prefix: store.prefix,
    connectTimeoutMs: timeoutMs,
    timeoutMs,
  });
  try {
    let uniqueId: Uint8Array;
    if (rank === 0) {
      uniqueId = cuda.ncclGetUniqueId();
      await client.set(UNIQUE_ID_KEY, uniqueId);
    } else {
      uniqueId = new Uint8Array(await client.get(UNIQUE_ID_KEY, timeoutMs));
    }
    const comm = await cuda.NcclCommunicator.init(uniqueId, worldSize, rank, { timeoutMs });
    return new NcclBackend(comm, rank, worldSize, client);
  } catch (error) {
    client.close();
    throw new CollectiveError(
      `nccl rendezvous failed on rank ${rank} of ${worldSize}: ${(error as Error).message}`,
    );
  }
}

/** A joined NCCL communicator behind the host-array contract; see {@link createNcclBackend}. */
class NcclBackend implements CollectiveBackend {
  readonly name = 'nccl' as const;
  private closed = false;

  constructor(
    private readonly comm: NcclCommunicatorLike,
    readonly rank: number,
    readonly worldSize: number,
    private readonly client: TcpStoreClient,
  ) {}

  async allReduce(data: ReducibleArray, op: ReduceOp): Promise<void> {
    const tensor = this.upload('allReduce', data, true);
    try {
      await this.guard('allReduce', () => this.comm.allReduce(tensor, NCCL_OPS[op]));
      data.set((await tensor.data()) as ReducibleArray);
    } finally {
      tensor.dispose();
    }
  }

  /** In place on the tensor's device memory: no copy to or from the host. */
  async allReduceTensor(tensor: tf.Tensor, op: ReduceOp): Promise<void> {
    if (this.closed) throw this.error('allReduce', 'the process group is closed');
    await this.guard('allReduce', () => this.comm.allReduce(tensor, NCCL_OPS[op]));
  }

  async allGather<T extends HostArray>(data: T): Promise<T> {
    const tensor = this.upload('allGather', data, false);
    try {
      const gathered = await this.guard('allGather', () => this.comm.allGather(tensor));
      try {
        return this.download(data, await gathered.data(), data.length * this.worldSize);
      } finally {
        gathered.dispose();
      }
    } finally {
      tensor.dispose();
    }
  }

  async allGatherV<T extends HostArray>(data: T, counts: readonly number[]): Promise<T> {
    // NCCL gathers equal sizes: pad every rank's part to the largest, then drop the padding.
    const widest = Math.max(...counts);
    const padded = new (data.constructor as new (n: number) => T)(widest);
    padded.set(data as never);
    const all = await this.allGather(padded);
    const out = new (data.constructor as new (n: number) => T)(counts.reduce((a, b) => a + b, 0));
    let at = 0;
    counts.forEach((count, r) => {
      out.set(all.subarray(r * widest, r * widest + count) as never, at);
      at += count;
    });
    return out;
  }

  async broadcast(data: HostArray, root: number): Promise<void> {
    const tensor = this.upload('broadcast', data, false);
    try {
      await this.guard('broadcast', () => this.comm.broadcast(tensor, root));
      this.download(data, await tensor.data(), data.length, data);
    } finally {
      tensor.dispose();
    }
  }

  async reduceScatter(
    data: ReducibleArray,
    counts: readonly number[],
    op: ReduceOp,
  ): Promise<ReducibleArray> {
    const start = counts.slice(0, this.rank).reduce((a, b) => a + b, 0);
    const mine = counts[this.rank] ?? 0;
    if (counts.every((c) => c === counts[0])) {
      const tensor = this.upload('reduceScatter', data, true);
      try {
        const block = await this.guard('reduceScatter', () => this.comm.reduceScatter(tensor, NCCL_OPS[op]));
        try {
          return new (data.constructor as new (values: ArrayLike<number>) => ReducibleArray)(
            (await block.data()) as ReducibleArray,
          );
        } finally {
          block.dispose();
        }
      } finally {
        tensor.dispose();
      }
    }
    // Unequal blocks: NCCL's reduce-scatter cannot express them; reduce everything, keep ours.
    const copy = data.slice() as ReducibleArray;
    await this.allReduce(copy, op);
    return copy.slice(start, start + mine) as ReducibleArray;
  }

  async barrier(): Promise<void> {
    await this.allReduce(new Int32Array(1), 'sum');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.comm.destroy();
    } finally {
      this.client.close();
    }
  }

  /** A `cuda` tensor holding `data`: float32 / int32 as they are, other arrays as their raw int32 words. */
  private upload(collective: string, data: HostArray, reduces: boolean): tf.Tensor {
    if (this.closed) throw this.error(collective, 'the process group is closed');
    if (data instanceof Float32Array) return tf.tensor1d(data, 'float32');
    if (data instanceof Int32Array) return tf.tensor1d(data, 'int32');
    if (reduces) {
      throw this.error(
        collective,
        `NCCL reduces Float32Array and Int32Array here, not ${data.constructor.name}`,
      );
    }
    // Bit-exact moves: Float64Array as two int32 words per element, Uint8Array one byte per int32.
    if (data instanceof Float64Array)
      return tf.tensor1d(new Int32Array(data.buffer, data.byteOffset, data.length * 2), 'int32');
    return tf.tensor1d(Int32Array.from(data), 'int32');
  }

  /** `values` (what came back, as the upload encoded it) as an array like `like` of `length` elements. */
  private download<T extends HostArray>(like: T, values: ArrayLike<number>, length: number, into?: T): T {
    const out = into ?? new (like.constructor as new (n: number) => T)(length);
    if (like instanceof Float64Array) {
      new Int32Array(out.buffer, out.byteOffset, length * 2).set(values);
    } else {
      out.set(values as never);
    }
    return out;
  }

  private async guard<R>(collective: string, run: () => Promise<R>): Promise<R> {
    try {
      return await run();
    } catch (error) {
      this.closed = true;
      throw this.error(collective, (error as Error).message);
    }
  }

  private error(collective: string, detail: string): CollectiveError {
    return new CollectiveError(
      `nccl ${collective} failed on rank ${this.rank} of ${this.worldSize}: ${detail}`,
    );
  }
}
