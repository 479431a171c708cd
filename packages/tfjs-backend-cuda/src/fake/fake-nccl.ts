/**
 * NCCL for the {@link FakeCudaDevice}, in host memory, so {@link NcclCommunicator} runs in tests
 * without a GPU or libnccl. It is a "mirror world": every other rank is taken to hold exactly
 * this rank's data, so with `worldSize` N a sum is N times the tensor, avg/max/min give it back,
 * all-gather gives N copies and reduce-scatter this rank's slice times N (or once for max/min/
 * avg). That checks counts, offsets, shapes and dtypes end to end. `hang` makes every wait run
 * into its deadline; `fail` makes one call fail with an NCCL result, as libnccl would.
 */
import type { CudaDevice, DevicePtr } from '../device.js';
import type { NcclNativeComm, NcclProvider, NcclStatus } from '../nccl/types.js';

/** How the fake NCCL behaves. */
export interface FakeNcclOptions {
  /** Report NCCL as missing with this reason (`unavailable: ...`). */
  readonly unavailable?: string;
  /** Collectives never complete: every `wait` times out and aborts the communicator. */
  readonly hang?: boolean;
  /** This call fails with this `ncclResult_t` name (as the addon reports it). */
  readonly fail?: {
    readonly call: 'allReduce' | 'allGather' | 'broadcast' | 'reduceScatter';
    readonly result: string;
  };
}

/** What the fake NCCL did, for assertions. */
export interface FakeNcclLog {
  calls: string[];
  aborted: string | null;
  destroyed: boolean;
}

const OP_NAMES: Readonly<Record<number, string>> = { 0: 'sum', 2: 'max', 3: 'min', 4: 'avg' };

class FakeNcclComm implements NcclNativeComm {
  private gone: string | null = null;

  constructor(
    private readonly device: CudaDevice,
    readonly worldSize: number,
    readonly rank: number,
    private readonly options: FakeNcclOptions,
    private readonly log: FakeNcclLog,
  ) {}

  allReduce(send: DevicePtr, recv: DevicePtr, count: number, dtype: number, op: number): void {
    this.enter('allReduce', `allReduce count=${count} dtype=${dtype} op=${OP_NAMES[op]}`);
    const values = this.read(send, count, dtype);
    this.write(recv, op === 0 ? values.map((v) => v * this.worldSize) : values, dtype);
  }

  allGather(send: DevicePtr, recv: DevicePtr, sendCount: number, dtype: number): void {
    this.enter('allGather', `allGather sendCount=${sendCount} dtype=${dtype}`);
    const values = this.read(send, sendCount, dtype);
    const out = new Float64Array(sendCount * this.worldSize);
    for (let r = 0; r < this.worldSize; r++) out.set(values, r * sendCount);
    this.write(recv, out, dtype);
  }

  broadcast(send: DevicePtr, recv: DevicePtr, count: number, dtype: number, root: number): void {
    this.enter('broadcast', `broadcast count=${count} dtype=${dtype} root=${root}`);
    this.write(recv, this.read(send, count, dtype), dtype);
  }

  reduceScatter(send: DevicePtr, recv: DevicePtr, recvCount: number, dtype: number, op: number): void {
    this.enter('reduceScatter', `reduceScatter recvCount=${recvCount} dtype=${dtype} op=${OP_NAMES[op]}`);
    const all = this.read(send, recvCount * this.worldSize, dtype);
    const mine = all.subarray(this.rank * recvCount, (this.rank + 1) * recvCount);
    this.write(recv, op === 0 ? mine.map((v) => v * this.worldSize) : mine, dtype);
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.gone)
      return Promise.reject(new Error(`NCCL collective: the NCCL communicator is gone (${this.gone})`));
    if (!this.options.hang) return Promise.resolve();
    return new Promise((_, reject) =>
      setTimeout(() => {
        this.abort(`a collective timed out after ${timeoutMs} ms`);
        reject(
          new Error(
            `NCCL collective: timed out after ${timeoutMs} ms (rank ${this.rank} of ${this.worldSize}; a peer is dead or stuck); the communicator was aborted (ncclCommAbort)`,
          ),
        );
      }, timeoutMs),
    );
  }

  abort(reason: string): void {
    this.gone ??= `aborted: ${reason}`;
    this.log.aborted ??= reason;
  }

  destroy(): void {
    this.gone ??= 'destroyed';
    this.log.destroyed = true;
  }

  private enter(call: NonNullable<FakeNcclOptions['fail']>['call'], line: string): void {
    const ncclName = `nccl${call[0]?.toUpperCase()}${call.slice(1)}`;
    if (this.gone) throw new Error(`${ncclName}: the NCCL communicator is gone (${this.gone})`);
    this.log.calls.push(line);
    const fail = this.options.fail;
    if (fail?.call === call) throw new Error(`${ncclName}: ${fail.result} (fake NCCL failure)`);
  }

  private read(ptr: DevicePtr, count: number, dtype: number): Float64Array {
    const host = dtype === 7 ? new Float32Array(count) : new Int32Array(count);
    if (count > 0) this.device.download(host, ptr);
    return Float64Array.from(host);
  }

  private write(ptr: DevicePtr, values: Float64Array, dtype: number): void {
    if (values.length === 0) return;
    this.device.upload(ptr, dtype === 7 ? Float32Array.from(values) : Int32Array.from(values));
  }
}

/** The fake device's NCCL; `log` records calls, aborts and destroys. */
export function fakeNcclProvider(
  device: CudaDevice,
  options: FakeNcclOptions,
  log: FakeNcclLog,
): NcclProvider {
  return {
    status(): NcclStatus {
      return options.unavailable
        ? { available: false, reason: `unavailable: ${options.unavailable}` }
        : { available: true, version: 22703, library: 'fake (host memory)' };
    },
    getUniqueId: () => Uint8Array.from({ length: 128 }, (_, i) => (i * 7 + 1) & 0xff),
    init: async (_uniqueId, worldSize, rank) => new FakeNcclComm(device, worldSize, rank, options, log),
  };
}
