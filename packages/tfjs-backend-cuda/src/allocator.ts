/**
 * A caching allocator over `device.malloc` / `device.free`, after PyTorch's CUDA caching
 * allocator: `cuMemAlloc` and `cuMemFree` synchronize and cost tens of microseconds, so blocks
 * released by disposed tensors are kept in free lists and handed out again.
 *
 * - Sizes round up to 512 B. Requests under 1 MiB come from the small pool, larger ones from the
 *   large pool; a block is only reused within its pool.
 * - Each pool keeps free blocks sorted by size; an allocation takes the smallest cached block
 *   that fits (best fit). A large-pool block is only taken when it wastes at most
 *   {@link MAX_LARGE_WASTE} of itself, so a 1 GiB cached block does not serve a 2 MiB request.
 * - Out of memory: the cache is freed (`emptyCache`) and the malloc retried once; after that a
 *   {@link CudaOutOfMemoryError} names the request and the statistics.
 *
 * Blocks are not split (PyTorch splits large segments); simpler, and the sizes of a training
 * step repeat exactly, so exact-size classes already hit.
 */
import type { CudaDevice, DevicePtr } from './device.js';
import { CudaOutOfMemoryError } from './errors.js';

/** Allocation granularity in bytes. */
export const ROUND_BYTES = 512;
/** Requests below this many bytes use the small pool. */
export const SMALL_LIMIT_BYTES = 1 << 20;
/** A cached large-pool block is reused only if at most this fraction of it would go unused. */
export const MAX_LARGE_WASTE = 0.5;

/** A device allocation handed out by the allocator. */
export interface Block {
  readonly ptr: DevicePtr;
  /** The rounded size (what the block holds). */
  readonly size: number;
  /** What the caller asked for. */
  readonly requested: number;
}

/** Counters of a {@link CachingAllocator}. */
export interface AllocatorStats {
  /** Bytes of blocks handed out and not yet released (rounded sizes). */
  bytesInUse: number;
  /** Bytes held in the free lists. */
  bytesCached: number;
  /** Successful `device.malloc` calls so far. */
  mallocs: number;
  /** `device.free` calls so far. */
  frees: number;
  /** Allocations served from the cache. */
  cacheHits: number;
  /** Times an out-of-memory emptied the cache and retried. */
  oomRetries: number;
  /** Largest `bytesInUse` seen. */
  peakBytesInUse: number;
}

/** Rounds a request up to the allocation granularity (0 stays 0). */
export function roundSize(bytes: number): number {
  return Math.ceil(bytes / ROUND_BYTES) * ROUND_BYTES;
}

/** Free blocks of one pool, sorted by size (ties by insertion) for best-fit lookup. */
class FreeList {
  private readonly blocks: { ptr: DevicePtr; size: number }[] = [];
  bytes = 0;

  /** Index of the first block whose size is >= size. */
  private lowerBound(size: number): number {
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.blocks[mid]!.size < size) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(ptr: DevicePtr, size: number): void {
    this.blocks.splice(this.lowerBound(size + 1), 0, { ptr, size });
    this.bytes += size;
  }

  /** Removes and returns the smallest block of at least `size` and at most `maxSize` bytes. */
  take(size: number, maxSize: number): { ptr: DevicePtr; size: number } | null {
    const i = this.lowerBound(size);
    const found = this.blocks[i];
    if (!found || found.size > maxSize) return null;
    this.blocks.splice(i, 1);
    this.bytes -= found.size;
    return found;
  }

  drain(): { ptr: DevicePtr; size: number }[] {
    const all = this.blocks.splice(0);
    this.bytes = 0;
    return all;
  }
}

/** See the module comment. One per device. */
export class CachingAllocator {
  private readonly small = new FreeList();
  private readonly large = new FreeList();
  private readonly live = new Map<DevicePtr, number>();
  private readonly counters: AllocatorStats = {
    bytesInUse: 0,
    bytesCached: 0,
    mallocs: 0,
    frees: 0,
    cacheHits: 0,
    oomRetries: 0,
    peakBytesInUse: 0,
  };

  constructor(private readonly device: CudaDevice) {}

  /** A block of at least `bytes` bytes (> 0). Throws {@link CudaOutOfMemoryError}. */
  allocate(bytes: number): Block {
    if (!Number.isSafeInteger(bytes) || bytes <= 0) {
      throw new RangeError(`CachingAllocator.allocate: bytes must be a positive integer, got ${bytes}`);
    }
    const size = roundSize(bytes);
    const pool = size < SMALL_LIMIT_BYTES ? this.small : this.large;
    const maxSize = pool === this.small ? size : Math.floor(size / (1 - MAX_LARGE_WASTE));
    const cached = pool.take(size, maxSize);
    let ptr: DevicePtr;
    let blockSize: number;
    if (cached) {
      this.counters.cacheHits += 1;
      ptr = cached.ptr;
      blockSize = cached.size;
    } else {
      ptr = this.mallocWithRetry(bytes, size);
      blockSize = size;
    }
    this.live.set(ptr, blockSize);
    this.counters.bytesInUse += blockSize;
    this.counters.peakBytesInUse = Math.max(this.counters.peakBytesInUse, this.counters.bytesInUse);
    return { ptr, size: blockSize, requested: bytes };
  }

  /** Returns a block to its pool's free list (the device memory stays allocated, cached). */
  release(block: Block): void {
    const size = this.live.get(block.ptr);
    if (size === undefined) {
      throw new Error(`CachingAllocator.release: pointer 0x${block.ptr.toString(16)} is not allocated`);
    }
    this.live.delete(block.ptr);
    this.counters.bytesInUse -= size;
    (size < SMALL_LIMIT_BYTES ? this.small : this.large).insert(block.ptr, size);
  }

  /** Frees every cached block on the device (`torch.cuda.empty_cache()`). Blocks in use stay. */
  emptyCache(): void {
    for (const pool of [this.small, this.large]) {
      for (const block of pool.drain()) {
        this.device.free(block.ptr);
        this.counters.frees += 1;
      }
    }
  }

  /** A snapshot of the counters. */
  stats(): AllocatorStats {
    return { ...this.counters, bytesCached: this.small.bytes + this.large.bytes };
  }

  private mallocWithRetry(requested: number, size: number): DevicePtr {
    try {
      const ptr = this.device.malloc(size);
      this.counters.mallocs += 1;
      return ptr;
    } catch (first) {
      this.counters.oomRetries += 1;
      this.emptyCache();
      try {
        const ptr = this.device.malloc(size);
        this.counters.mallocs += 1;
        return ptr;
      } catch (second) {
        throw new CudaOutOfMemoryError(requested, { ...this.stats() }, second ?? first);
      }
    }
  }
}
