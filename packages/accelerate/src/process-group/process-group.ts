/**
 * Process groups as `torch.distributed`: `initProcessGroup({ backend, rank, worldSize, ... })`
 * or `ProcessGroup.fromEnv()` (what ner-launch / torchrun put in the environment). Rank 0
 * serves the rendezvous store; every rank claims its rank there, then the engine (gloo, nccl)
 * connects. Every collective first exchanges a small header (mismatched shapes are an error
 * naming the ranks) and has a deadline (a rank that does not arrive is named, nobody hangs).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createBackend } from '../backends/select.js';
import { CollectiveError } from '../errors.js';
import { TcpStoreClient } from '../store/tcp-store-client.js';
import { TcpStoreServer } from '../store/tcp-store-server.js';
import type {
  BackendInit,
  BackendName,
  CollectiveBackend,
  EnvVars,
  HostArray,
  ReduceOp,
  ReducibleArray,
} from './backend.js';
import {
  type CollectiveName,
  checkHeaders,
  decodeHeaders,
  dtypeCode,
  encodeHeader,
  opCode,
} from './collective-header.js';
import { readProcessGroupEnv } from './env.js';
import { rendezvous } from './rendezvous.js';

/** Options of {@link initProcessGroup} (torch's `init_process_group` with `init_method='env://'`). */
export interface ProcessGroupOptions {
  /** The engine: 'gloo' (CPU, default) or 'nccl' (CUDA). */
  backend?: BackendName;
  rank: number;
  worldSize: number;
  /** Rank 0's address; rank 0 binds its store to it [127.0.0.1]. */
  masterAddr?: string;
  /** Rank 0's store port [29500]. */
  masterPort?: number;
  /** Deadline of the rendezvous and of every collective [30 s]. */
  timeoutMs?: number;
  /** The run's secret, the same on every rank (`fromEnv` reads NER_STORE_SECRET). */
  secret?: string;
  /** Address or interface the engine binds on this rank (`fromEnv`: GLOO_SOCKET_IFNAME) [the address that reaches the store]. */
  bindAddress?: string;
  /** Key prefix of this group in the store ['default']. */
  groupName?: string;
  /** Makes the engine (tests inject an in-process one) [gloo / nccl]. */
  createBackend?: (name: BackendName, init: BackendInit) => Promise<CollectiveBackend>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** How long a failed rank 0 keeps serving the store so the others can read why. */
const ABORT_GRACE_MS = 750;

/** Joins (and for rank 0, serves) a process group; see {@link ProcessGroup}. */
export function initProcessGroup(options: ProcessGroupOptions): Promise<ProcessGroup> {
  return ProcessGroup.init(options);
}

export class ProcessGroup {
  private tail: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private failure: CollectiveError | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly rank: number,
    readonly worldSize: number,
    readonly backend: BackendName | 'none',
    readonly timeoutMs: number,
    private readonly engine?: CollectiveBackend,
    private readonly store?: TcpStoreClient,
    private readonly server?: TcpStoreServer,
  ) {}

  /** A group of one: no store, no engine; every collective returns its input. */
  static single(): ProcessGroup {
    return new ProcessGroup(0, 1, 'none', DEFAULT_TIMEOUT_MS);
  }

  /**
   * Reads RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT, NER_STORE_SECRET and
   * NER_PROCESS_GROUP_BACKEND (as ner-launch sets them) and joins the group.
   */
  static async fromEnv(
    env: EnvVars = process.env,
    overrides: Partial<ProcessGroupOptions> = {},
  ): Promise<ProcessGroup> {
    return ProcessGroup.init({ ...readProcessGroupEnv(env), ...overrides });
  }

  static async init(options: ProcessGroupOptions): Promise<ProcessGroup> {
    const { rank, worldSize } = options;
    if (!Number.isInteger(worldSize) || worldSize < 1)
      throw new CollectiveError(`WORLD_SIZE must be a positive integer, got ${worldSize}`);
    if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize)
      throw new CollectiveError(`RANK must be in [0, ${worldSize}), got ${rank}`, [rank]);
    if (worldSize === 1) return ProcessGroup.single();
    const host = options.masterAddr ?? '127.0.0.1';
    const port = options.masterPort ?? 29500;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const secret = options.secret;
    const backend = options.backend ?? 'gloo';
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new CollectiveError(`MASTER_PORT must be a TCP port, got ${port}`);
    if (!secret) {
      throw new CollectiveError(
        'NER_STORE_SECRET is not set: start the ranks with ner-launch (which sets it), or give every rank the same random secret',
      );
    }
    const server = rank === 0 ? await TcpStoreServer.listen({ host, port, secret }) : undefined;
    let store: TcpStoreClient | undefined;
    try {
      const prefix = `${options.groupName ?? 'default'}/`;
      store = await TcpStoreClient.connect({
        host,
        port,
        secret,
        prefix,
        connectTimeoutMs: timeoutMs,
        timeoutMs,
      });
      await rendezvous(store, rank, worldSize, timeoutMs);
      const init: BackendInit = {
        rank,
        worldSize,
        timeoutMs,
        store: { host, port, secret, prefix: `${prefix}${backend}/` },
      };
      const bindAddress = options.bindAddress ?? bindAddressFor(host, store.localAddress);
      if (bindAddress !== undefined) init.bindAddress = bindAddress;
      const engine = await (options.createBackend ?? createBackend)(backend, init);
      return new ProcessGroup(rank, worldSize, backend, timeoutMs, engine, store, server);
    } catch (error) {
      store?.close();
      if (server) {
        // The other ranks poll for the abort every 250 ms: let them read it before the store goes.
        await new Promise((resolve) => setTimeout(resolve, ABORT_GRACE_MS));
        await server.close();
      }
      throw error;
    }
  }

  /**
   * How this group's collectives move data: `shm` (gloo engine, every rank on this host: one
   * shared-memory segment), `tcp` (gloo's TCP transport; several hosts, or `NER_ACCELERATE_SHM=0`),
   * or undefined (a group of one, or nccl).
   */
  get transport(): 'shm' | 'tcp' | undefined {
    return this.engine?.transport;
  }

  /** Reduces `data` across ranks in place (torch's `all_reduce`) and returns it. */
  allReduce<T extends ReducibleArray>(data: T, op: ReduceOp = 'sum'): Promise<T> {
    if (!this.engine) return Promise.resolve(data);
    return this.guarded('allReduce', data, data.length, opCode(op), true, async (engine) => {
      await engine.allReduce(data, op);
      return data;
    });
  }

  /**
   * Whether {@link allReduceTensor} reduces tensors in their device memory (an nccl group, tfjs
   * on `cuda`); otherwise it goes through the host.
   */
  get reducesDeviceTensors(): boolean {
    return this.engine?.allReduceTensor !== undefined && tf.getBackend() === 'cuda';
  }

  /**
   * Reduces a float32 tensor across ranks and returns the result as a new tensor: in device
   * memory where {@link reducesDeviceTensors} (nccl on `cuda`, as DDP reduces its gradient
   * buckets), else through the host with {@link allReduce}. The same checks and deadline as
   * every collective. The input is left alone, unless `options.consume`: then its device memory
   * may become the result's (no copy), and the caller must not use it again, nor any tensor that
   * shares its data.
   */
  async allReduceTensor(
    tensor: tf.Tensor,
    op: ReduceOp = 'sum',
    options: { consume?: boolean } = {},
  ): Promise<tf.Tensor> {
    if (tensor.dtype !== 'float32') {
      throw new CollectiveError(`allReduceTensor: a float32 tensor is needed, got ${tensor.dtype}`);
    }
    if (!this.engine) return options.consume ? tensor : tf.clone(tensor);
    if (!this.reducesDeviceTensors) {
      try {
        const data = await this.allReduce(Float32Array.from(await tensor.data()), op);
        return tf.tensor(data, tensor.shape, 'float32');
      } finally {
        if (options.consume) tensor.dispose();
      }
    }
    // NCCL reduces in place: on a copy (x * 1 keeps -0 and NaN), unless the caller gave it up.
    const out = options.consume ? tensor : tf.mul(tensor, 1);
    try {
      // The header's dtype is that of a Float32Array, as the host path's: ranks may mix the two.
      await this.guarded('allReduce', new Float32Array(0), tensor.size, opCode(op), true, (engine) =>
        engine.allReduceTensor!(out, op),
      );
    } catch (error) {
      out.dispose();
      throw error;
    }
    return out;
  }

  /** Every rank's `data` (all the same length), concatenated in rank order. */
  allGather<T extends HostArray>(data: T): Promise<T> {
    if (!this.engine) return Promise.resolve(data);
    return this.guarded('allGather', data, data.length, 0, true, (engine) => engine.allGather(data));
  }

  /** Every rank's `data`, of any lengths, in rank order (sizes travel in the header). */
  allGatherUneven<T extends HostArray>(data: T): Promise<T[]> {
    if (!this.engine) return Promise.resolve([data]);
    return this.guarded('allGatherV', data, data.length, 0, false, async (engine, headers) => {
      const counts = headers.map((h) => h.length);
      const all = await engine.allGatherV(data, counts);
      let offset = 0;
      return counts.map((count) => {
        const part = all.subarray(offset, offset + count) as T;
        offset += count;
        return part;
      });
    });
  }

  /** Overwrites `data` on every rank with rank `root`'s (same length everywhere) and returns it. */
  broadcast<T extends HostArray>(data: T, root = 0): Promise<T> {
    this.checkRoot(root);
    if (!this.engine) return Promise.resolve(data);
    return this.guarded('broadcast', data, data.length, root, true, async (engine) => {
      await engine.broadcast(data, root);
      return data;
    });
  }

  /** Rank `root`'s bytes on every rank; the others pass nothing and learn the size from the header. */
  broadcastBytes(payload: Uint8Array | undefined, root = 0): Promise<Uint8Array> {
    this.checkRoot(root);
    if (this.rank === root && payload === undefined) {
      return Promise.reject(new CollectiveError(`broadcast: rank ${root} (the root) must give the payload`));
    }
    if (!this.engine) return Promise.resolve(payload!);
    const length = this.rank === root ? payload!.length : -1;
    return this.guarded('broadcast', new Uint8Array(0), length, root, false, async (engine, headers) => {
      const data = this.rank === root ? payload! : new Uint8Array(headers[root]!.length);
      await engine.broadcast(data, root);
      return data;
    });
  }

  /**
   * Reduces `data` (length sum(counts)) across ranks and returns this rank's block
   * (torch's `reduce_scatter`).
   */
  reduceScatter<T extends ReducibleArray>(
    data: T,
    counts: readonly number[],
    op: ReduceOp = 'sum',
  ): Promise<T> {
    const total = counts.reduce((a, b) => a + b, 0);
    if (
      counts.length !== this.worldSize ||
      total !== data.length ||
      counts.some((c) => !Number.isInteger(c) || c < 0)
    ) {
      return Promise.reject(
        new CollectiveError(
          `reduceScatter: counts [${counts}] must hold ${this.worldSize} non-negative integers summing to the ${data.length} elements given`,
        ),
      );
    }
    if (!this.engine) return Promise.resolve(data);
    return this.guarded(
      'reduceScatter',
      data,
      data.length,
      opCode(op),
      true,
      async (engine) => (await engine.reduceScatter(data, counts, op)) as T,
    );
  }

  /** Resolves when every rank has called it (`barrier` / `wait_for_everyone`). */
  async barrier(): Promise<void> {
    if (!this.engine) return;
    await this.guarded('barrier', undefined, 0, 0, true, (engine) => engine.barrier());
  }

  /** Closes the engine, the store connection and (rank 0) the store. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.failure ??= new CollectiveError(`rank ${this.rank}: the process group is closed`);
      await this.engine?.close().catch(() => undefined);
      this.store?.close();
      await this.server?.close();
    })();
    return this.closing;
  }

  private checkRoot(root: number): void {
    if (!Number.isInteger(root) || root < 0 || root >= this.worldSize) {
      throw new CollectiveError(`broadcast: root ${root} is not a rank of [0, ${this.worldSize})`);
    }
  }

  /**
   * Runs one collective in call order: header exchange and check, then the engine call, both
   * under the deadline. Any failure breaks the group (the ranks are out of step afterwards).
   */
  private guarded<T>(
    collective: CollectiveName,
    data: HostArray | undefined,
    length: number,
    extra: number,
    sameLength: boolean,
    call: (engine: CollectiveBackend, headers: ReturnType<typeof decodeHeaders>) => Promise<T>,
  ): Promise<T> {
    const run = this.tail.then(async () => {
      if (this.failure) throw this.failure;
      const engine = this.engine!;
      const seq = ++this.seq;
      // Progress marks let a timed-out rank name the ranks that never arrived.
      this.store?.set(`progress/${this.rank}`, String(seq)).catch(() => undefined);
      try {
        const header = encodeHeader({ seq, collective, dtype: dtypeCode(data), length, extra });
        const all = await this.deadline(engine.allGather(header), collective, seq);
        const headers = decodeHeaders(all, this.worldSize);
        checkHeaders(headers, sameLength);
        return await this.deadline(call(engine, headers), collective, seq);
      } catch (error) {
        this.failure = await this.explain(error, collective, seq);
        throw this.failure;
      }
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  private deadline<T>(work: Promise<T>, collective: string, seq: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new DeadlinePassed(`${collective} #${seq} did not finish within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  /** A CollectiveError for `error` naming the ranks that had not reached collective `seq`. */
  private async explain(error: unknown, collective: string, seq: number): Promise<CollectiveError> {
    if (error instanceof CollectiveError && error.message.startsWith('collective mismatch')) return error;
    const behind: number[] = [];
    let storeGone = false;
    for (let r = 0; r < this.worldSize && this.store && !storeGone; r++) {
      try {
        const mark = await this.store.tryGet(`progress/${r}`);
        if (mark === undefined || Number(mark.toString('utf8')) < seq) behind.push(r);
      } catch {
        storeGone = true;
      }
    }
    const who = storeGone
      ? 'rank 0 (which serves the store) is unreachable: it exited or crashed'
      : behind.length > 0
        ? `rank(s) ${behind.join(', ')} did not arrive at ${collective} #${seq} (dead, hung, or out of step)`
        : 'every rank had reached it; a peer may have died during it';
    if (storeGone) behind.splice(0, behind.length, 0);
    const reason = (error as Error).message;
    const wrapped = new CollectiveError(
      `${collective} #${seq} failed on rank ${this.rank} of ${this.worldSize}: ${who}. Cause: ${reason}`,
      behind.length > 0 ? behind : error instanceof CollectiveError ? error.ranks : [],
    );
    wrapped.cause = error;
    return wrapped;
  }
}

class DeadlinePassed extends Error {}

/**
 * Where the engine should listen when nothing says so: loopback for a loopback store, else the
 * local address of the store connection (an address of this machine that rank 0 can reach).
 */
function bindAddressFor(storeHost: string, localAddress: string | undefined): string | undefined {
  if (/^(localhost|127(\.\d{1,3}){3}|::1)$/i.test(storeHost)) return undefined;
  return localAddress?.replace(/^::ffff:/, '');
}
