/**
 * The contract between the process group and the engines that move bytes between ranks
 * (as `torch.distributed.init_process_group(backend=...)` picks one). Each engine lives in
 * `src/backends/<name>.ts` and implements {@link CollectiveBackend}; the process group
 * (`src/process-group/`) chooses one, does the rendezvous through the {@link StoreAddress}
 * key-value store, checks arguments, and applies timeouts.
 *
 * Every rank must call the same collectives in the same order with the same sizes (except the
 * `counts` of the v-variants, which every rank passes identically). All collectives are
 * asynchronous: they run off the main thread and settle their promise when the data is there.
 */

/** Reduction applied elementwise across ranks. `mean` is `sum` divided by the world size. */
export type ReduceOp = 'sum' | 'mean' | 'max' | 'min';

/** The element types a host collective accepts. */
export type HostArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** The element types a reducing collective (allReduce, reduceScatter) accepts: HostArray less bytes. */
export type ReducibleArray = Float32Array | Float64Array | Int32Array;

/** Environment variables as `process.env` holds them (torchrun's RANK, WORLD_SIZE, ...). */
export type EnvVars = Readonly<Record<string, string | undefined>>;

/** Names of the engines, as torch spells them. */
export type BackendName = 'gloo' | 'nccl';

/** Where the rendezvous store runs (rank 0 serves it; see `src/store/protocol.ts`). */
export interface StoreAddress {
  host: string;
  port: number;
  /** Per-run secret the store requires in the handshake (`NER_STORE_SECRET` from ner-launch). */
  secret: string;
  /** Key prefix so several groups can share one store (like torch's PrefixStore). */
  prefix: string;
}

/** What every engine is given to start. */
export interface BackendInit {
  rank: number;
  worldSize: number;
  store: StoreAddress;
  /** Longest a single collective (and the rendezvous) may take before it fails [30 s]. */
  timeoutMs: number;
  /** Address or interface this rank's transport binds to (gloo: `hostname`/`iface`). */
  bindAddress?: string;
}

/**
 * Collectives on host memory (the arrays of any CPU tfjs backend). In place where the result has
 * the input's size, as torch's are.
 */
export interface CollectiveBackend {
  readonly name: BackendName;
  /** How the bytes move, where the engine has a choice (gloo: `shm` on one host, else `tcp`). */
  readonly transport?: 'shm' | 'tcp';
  readonly rank: number;
  readonly worldSize: number;
  /** Reduces `data` across ranks, in place; every rank ends with the result. */
  allReduce(data: ReducibleArray, op: ReduceOp): Promise<void>;
  /**
   * Reduces a float32 tfjs tensor across ranks in its own device memory (nccl: on the `cuda`
   * backend's stream, nothing copied to the host). Engines whose data lives on the host leave it
   * out; {@link ProcessGroup.reducesDeviceTensors} says whether this one has it.
   */
  allReduceTensor?(tensor: import('@tensorflow/tfjs-core').Tensor, op: ReduceOp): Promise<void>;
  /** Concatenates every rank's `data` (all the same length) in rank order. */
  allGather<T extends HostArray>(data: T): Promise<T>;
  /** Like allGather with per-rank lengths `counts[r]` (every rank passes the same counts). */
  allGatherV<T extends HostArray>(data: T, counts: readonly number[]): Promise<T>;
  /** Overwrites `data` on every rank with rank `root`'s `data` (same length everywhere). */
  broadcast(data: HostArray, root: number): Promise<void>;
  /**
   * Reduces `data` (length sum(counts)) across ranks and returns this rank's block:
   * elements [sum(counts[0..rank)), +counts[rank]).
   */
  reduceScatter(data: ReducibleArray, counts: readonly number[], op: ReduceOp): Promise<ReducibleArray>;
  /** Resolves when every rank has called it. */
  barrier(): Promise<void>;
  /** Frees the engine's resources; later calls reject. Idempotent. */
  close(): Promise<void>;
}
