/**
 * The pointer-level NCCL contract under {@link NcclCommunicator}: what the addon's communicator
 * object (src/addon/nccl_binding.cc) and the fake device's stand-in (src/fake/fake-nccl.ts) both
 * implement. Counts are elements; collectives are queued on the device's stream and `wait`
 * resolves when everything queued so far is done.
 */
import type { DevicePtr } from '../device.js';

/** `ncclDataType_t` values for the dtypes a `cuda` tensor stores (bool is stored as int32). */
export const NCCL_DATA_TYPES = { int32: 2, float32: 7 } as const;

/** The reductions, as `torch.distributed.ReduceOp` names them (lower case). */
export type NcclReduceOp = 'sum' | 'max' | 'min' | 'avg';

/** `ncclRedOp_t` values (`ncclAvg` since NCCL 2.10). */
export const NCCL_REDUCE_OPS: Readonly<Record<NcclReduceOp, number>> = { sum: 0, max: 2, min: 3, avg: 4 };

/** Whether NCCL can be used, and which library (or why not: `unavailable: ...`). */
export type NcclStatus =
  | { readonly available: true; readonly version: number; readonly library: string }
  | { readonly available: false; readonly reason: string };

/** One communicator at the pointer level. */
export interface NcclNativeComm {
  readonly worldSize: number;
  readonly rank: number;
  allReduce(
    send: DevicePtr,
    recv: DevicePtr,
    count: number,
    dtype: number,
    op: number,
    timeoutMs: number,
  ): void;
  allGather(send: DevicePtr, recv: DevicePtr, sendCount: number, dtype: number, timeoutMs: number): void;
  broadcast(
    send: DevicePtr,
    recv: DevicePtr,
    count: number,
    dtype: number,
    root: number,
    timeoutMs: number,
  ): void;
  reduceScatter(
    send: DevicePtr,
    recv: DevicePtr,
    recvCount: number,
    dtype: number,
    op: number,
    timeoutMs: number,
  ): void;
  /** Resolves when the stream has run everything queued so far; aborts the communicator on timeout. */
  wait(timeoutMs: number): Promise<void>;
  abort(reason: string): void;
  destroy(timeoutMs: number): void;
}

/** NCCL as a device offers it. */
export interface NcclProvider {
  status(): NcclStatus;
  /** 128 bytes (`ncclGetUniqueId`). */
  getUniqueId(): Uint8Array;
  init(uniqueId: Uint8Array, worldSize: number, rank: number, timeoutMs: number): Promise<NcclNativeComm>;
}
