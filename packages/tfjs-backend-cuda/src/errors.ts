/** Errors of the `cuda` backend, each naming what was asked and what was found. */

/** Device memory ran out even after the allocator's cache was freed. */
export class CudaOutOfMemoryError extends Error {
  override readonly name = 'CudaOutOfMemoryError';
  constructor(
    /** Bytes the failing allocation asked for (before rounding). */
    readonly requestedBytes: number,
    /** The allocator's statistics when it gave up. */
    readonly stats: Readonly<Record<string, number>>,
    cause?: unknown,
  ) {
    super(
      `CUDA out of memory: could not allocate ${requestedBytes} bytes ` +
        `(in use ${stats.bytesInUse} bytes, cached ${stats.bytesCached} bytes, ` +
        `${stats.mallocs} device mallocs so far; the cache was freed and the allocation retried once)` +
        (cause instanceof Error ? `: ${cause.message}` : ''),
      cause === undefined ? undefined : { cause },
    );
  }
}

/** A kernel launch whose arguments do not match `KERNEL_ABI`, or a kernel the ABI does not list. */
export class CudaAbiError extends Error {
  override readonly name = 'CudaAbiError';
}

/** A pointer or size outside the memory it refers to (fake device checks; backend limits). */
export class CudaMemoryAccessError extends Error {
  override readonly name = 'CudaMemoryAccessError';
}

/** A tensor the backend cannot hold or a kernel cannot take (size limits, dtypes). */
export class CudaBackendError extends Error {
  override readonly name = 'CudaBackendError';
}

/**
 * An NCCL call failed. `result` is NCCL's result name when it gave one (`ncclInvalidArgument`,
 * `ncclRemoteError`, ...); the message names the call and NCCL's own text.
 */
export class NcclError extends Error {
  override readonly name: string = 'NcclError';
  /** `ncclResult_t` name, e.g. `ncclSystemError`; undefined for checks made before calling NCCL. */
  readonly result: string | undefined;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.result =
      /\b(nccl(?:UnhandledCudaError|SystemError|InternalError|InvalidArgument|InvalidUsage|RemoteError|InProgress|UnknownResult))\b/.exec(
        message,
      )?.[1];
  }
}

/** libnccl.so.2 is missing or too old, or the device has no NCCL; the message starts `unavailable: `. */
export class NcclUnavailableError extends NcclError {
  override readonly name = 'NcclUnavailableError';
}

/** A collective or the communicator's set-up passed its deadline; the communicator was aborted. */
export class NcclTimeoutError extends NcclError {
  override readonly name = 'NcclTimeoutError';
}
