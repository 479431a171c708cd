/**
 * The `gloo` engine: collectives on host memory through Facebook's Gloo (Debian's libgloo-dev,
 * TCP transport), the engine torch.distributed uses for CPU tensors. The addon runs every
 * collective on libuv's thread pool, so the main thread keeps serving (rank 0's rendezvous store
 * lives on it); calls on one backend run one at a time, in call order, as every rank must issue
 * them in the same order anyway.
 */
import type {
  BackendInit,
  CollectiveBackend,
  HostArray,
  ReduceOp,
  ReducibleArray,
} from '../process-group/backend.js';
import {
  type GlooAddon,
  type GlooContextHandle,
  type GlooTransport,
  loadGloo,
  REDUCE_OP_CODES,
} from './gloo-addon.js';
import { checkInit, GlooArgumentChecker, resolveBindAddress } from './gloo-checks.js';
import { AccelerateError } from '../errors.js';
import { GlooCollectiveError, GlooUnavailableError } from './gloo-errors.js';

// Gloo enforces the timeout itself; this JS-side watchdog only catches a native call that
// somehow outlives it, so a promise never stays pending forever.
const WATCHDOG_GRACE_MS = 10_000;

/** The gloo engine; `transport` says whether its collectives go through shared memory. */
export interface GlooEngine extends CollectiveBackend {
  readonly name: 'gloo';
  readonly transport: GlooTransport;
}

/**
 * Connects this rank to the others through the rendezvous store (`init.store`) and returns the
 * gloo engine. The rendezvous runs off the main thread and fails after `init.timeoutMs` when a
 * rank does not arrive.
 *
 * Every rank must pass the same sizes (and the same `counts`) to the same collective: Gloo itself
 * does not check, and a rank that receives more bytes than it posted aborts inside Gloo's network
 * thread. The process group exchanges a fixed-size header before each collective for exactly
 * this reason; call the engine directly only with sizes known to agree. Integer `mean` truncates
 * toward zero (C++ integer division).
 *
 * Each rank's rendezvous and collectives hold one thread of libuv's pool while they wait (4 by
 * default, `UV_THREADPOOL_SIZE`): run one rank per process, as ner-launch does; several ranks in
 * one process (tests) work only while they fit in the pool.
 *
 * @throws {GlooUnavailableError} when the addon is not built (libgloo-dev missing).
 * @throws {GlooCollectiveError} when the rendezvous fails or times out.
 * @example
 * ```ts
 * const backend = await createGlooBackend({ rank, worldSize, timeoutMs: 30_000,
 *   store: { host: '127.0.0.1', port: 29500, secret, prefix: 'pg0' } });
 * const grads = new Float32Array([1, 2, 3]);
 * await backend.allReduce(grads, 'mean');
 * await backend.close();
 * ```
 */
export async function createGlooBackend(init: BackendInit): Promise<GlooEngine> {
  checkInit(init);
  const loaded = loadGloo();
  if (!loaded.available) throw new GlooUnavailableError(loaded.reason);
  const { rank, worldSize, timeoutMs, store } = init;
  let handle: GlooContextHandle;
  try {
    handle = await loaded.addon.connect({
      rank,
      size: worldSize,
      storeHost: store.host,
      storePort: store.port,
      secret: store.secret,
      prefix: store.prefix,
      timeoutMs: Math.ceil(timeoutMs),
      ...resolveBindAddress(init),
    });
  } catch (error) {
    const detail = (error as Error).message;
    const timedOut = /timed out/i.test(detail);
    throw new GlooCollectiveError('rendezvous', rank, worldSize, detail, {
      timedOut,
      cause: error,
      ranks: timedOut ? ranksNamedByKeys(detail, worldSize) : [],
    });
  }
  return new GlooBackend(loaded.addon, handle, rank, worldSize, timeoutMs);
}

/** The ranks whose rendezvous keys (`'<prefix>/<rank>'`, quoted by the store client) a message names. */
function ranksNamedByKeys(detail: string, worldSize: number): number[] {
  const ranks = [...detail.matchAll(/'[^']*\/(?:rank_)?(\d+)'/g)].map((m) => Number(m[1]));
  return [...new Set(ranks)].filter((r) => r < worldSize).sort((a, b) => a - b);
}

/**
 * The ranks a shared-memory failure names: it writes each as `<rank> (pid <pid>)` (the dead one,
 * or those that had not arrived).
 */
function ranksNamedByShm(detail: string, worldSize: number): number[] {
  const ranks = [...detail.matchAll(/(\d+) \(pid \d+\)/g)].map((m) => Number(m[1]));
  return [...new Set(ranks)].filter((r) => r < worldSize).sort((a, b) => a - b);
}

/**
 * A zeroed array of `data`'s element type. Built from the base class, not `data.constructor`: a
 * subclass (Node's Buffer is a Uint8Array) may not take a length the same way.
 */
function allocLike<T extends HostArray>(data: T, length: number): T {
  if (Buffer.isBuffer(data)) return Buffer.alloc(length) as unknown as T;
  if (data instanceof Float32Array) return new Float32Array(length) as T;
  if (data instanceof Float64Array) return new Float64Array(length) as T;
  if (data instanceof Int32Array) return new Int32Array(length) as T;
  return new Uint8Array(length) as T;
}

/** A connected gloo context; see {@link createGlooBackend}. */
class GlooBackend implements GlooEngine {
  readonly name = 'gloo' as const;
  /** `shm` when the group's ranks share this host (see {@link GlooTransport}), else `tcp`. */
  readonly transport: GlooTransport;
  private readonly check: GlooArgumentChecker;
  private tail: Promise<unknown> = Promise.resolve();
  private failure: GlooCollectiveError | undefined;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly addon: GlooAddon,
    private readonly handle: GlooContextHandle,
    readonly rank: number,
    readonly worldSize: number,
    private readonly timeoutMs: number,
  ) {
    this.check = new GlooArgumentChecker(rank, worldSize);
    this.transport = addon.transport(handle);
  }

  allReduce(data: ReducibleArray, op: ReduceOp): Promise<void> {
    return this.guard('allReduce', () => {
      this.check.numericArray('allReduce', data);
      this.check.reduceOp('allReduce', op);
      return () => this.addon.allReduce(this.handle, data, REDUCE_OP_CODES[op]);
    });
  }

  allGather<T extends HostArray>(data: T): Promise<T> {
    return this.guard('allGather', () => {
      this.check.hostArray('allGather', data);
      this.check.resultSize('allGather', data.length * this.worldSize, data.BYTES_PER_ELEMENT);
      const counts = new Array<number>(this.worldSize).fill(data.length);
      return this.gatherInto(data, counts, data.length * this.worldSize);
    });
  }

  allGatherV<T extends HostArray>(data: T, counts: readonly number[]): Promise<T> {
    return this.guard('allGatherV', () => {
      this.check.hostArray('allGatherV', data);
      const total = this.check.counts('allGatherV', counts);
      if (data.length !== counts[this.rank]) {
        this.check.fail(
          'allGatherV',
          `data has ${data.length} elements but counts[${this.rank}] is ${counts[this.rank]}`,
        );
      }
      this.check.resultSize('allGatherV', total, data.BYTES_PER_ELEMENT);
      return this.gatherInto(data, [...counts], total);
    });
  }

  broadcast(data: HostArray, root: number): Promise<void> {
    return this.guard('broadcast', () => {
      this.check.hostArray('broadcast', data);
      this.check.root('broadcast', root);
      return () => this.addon.broadcast(this.handle, data, root);
    });
  }

  reduceScatter(data: ReducibleArray, counts: readonly number[], op: ReduceOp): Promise<ReducibleArray> {
    return this.guard('reduceScatter', () => {
      this.check.numericArray('reduceScatter', data);
      this.check.reduceOp('reduceScatter', op);
      const total = this.check.counts('reduceScatter', counts);
      if (data.length !== total) {
        this.check.fail('reduceScatter', `data has ${data.length} elements but the counts sum to ${total}`);
      }
      const output = new (data.constructor as new (length: number) => ReducibleArray)(
        counts[this.rank] as number,
      );
      return async () => {
        await this.addon.reduceScatter(this.handle, data, output, [...counts], REDUCE_OP_CODES[op]);
        return output;
      };
    });
  }

  barrier(): Promise<void> {
    return this.guard('barrier', () => () => this.addon.barrier(this.handle));
  }

  close(): Promise<void> {
    // Waits for the collectives already queued, then frees the context; later calls reject.
    this.closed ??= this.tail.then(() => this.addon.close(this.handle));
    return this.closed;
  }

  // Allocates the result now (its size was checked) and returns the native call that fills it.
  private gatherInto<T extends HostArray>(data: T, counts: number[], total: number): () => Promise<T> {
    const output = allocLike(data, total);
    return async () => {
      await this.addon.allGatherV(this.handle, data, output, counts);
      return output;
    };
  }

  /**
   * Checks the arguments now (so a bad call rejects at once and sends nothing), then queues the
   * native call behind the ones already issued.
   */
  private guard<R>(collective: string, prepare: () => () => Promise<R>): Promise<R> {
    if (this.closed) {
      return Promise.reject(
        new AccelerateError(
          `gloo ${collective} on rank ${this.rank} of ${this.worldSize}: the backend is closed`,
        ),
      );
    }
    let run: () => Promise<R>;
    try {
      run = prepare();
    } catch (error) {
      return Promise.reject(error);
    }
    const result = this.tail.then(() => this.runNative(collective, run));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async runNative<R>(collective: string, run: () => Promise<R>): Promise<R> {
    if (this.failure) {
      throw new GlooCollectiveError(
        collective,
        this.rank,
        this.worldSize,
        `the context is unusable after an earlier failure (${this.failure.message})`,
        { timedOut: false, cause: this.failure },
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out: no answer from the addon ${this.timeoutMs + WATCHDOG_GRACE_MS} ms after the call`,
            ),
          ),
        this.timeoutMs + WATCHDOG_GRACE_MS,
      );
      timer.unref();
    });
    try {
      return await Promise.race([run(), watchdog]);
    } catch (error) {
      const detail = String((error as Error).message ?? error);
      const timedOut = /timed out|timeout/i.test(detail);
      const hint = timedOut
        ? ` (timeout ${this.timeoutMs} ms: a rank that died, hangs, or did not call ${collective} makes the others fail this way)`
        : '';
      this.failure = new GlooCollectiveError(collective, this.rank, this.worldSize, `${detail}${hint}`, {
        timedOut,
        cause: error,
        ranks: ranksNamedByShm(detail, this.worldSize),
      });
      throw this.failure;
    } finally {
      clearTimeout(timer);
    }
  }
}
