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
 * - Out of memory: the owner's reclaimable blocks are given back ({@link CachingAllocator.onPressure}:
 *   the backend's bf16 operand copies), the cache is freed (`emptyCache`) and the malloc retried
 *   once; after that a {@link CudaOutOfMemoryError} names the request and the statistics.
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

/**
 * Free blocks of one pool: a stack of pointers per block size, and the sizes that have any in
 * ascending order for the best-fit lookup. A training step repeats a few dozen sizes over and
 * over, so a take or an insert touches one stack (O(1)) and only the short list of distinct
 * sizes is ever searched or spliced (one sorted array of every block cost ~2 µs per op there).
 * The most recently freed block of a size is reused first.
 */
class FreeList {
  private readonly sizes: number[] = [];
  private readonly bySize = new Map<number, DevicePtr[]>();
  bytes = 0;

  /** Index of the first size that is >= size. */
  private lowerBound(size: number): number {
    let lo = 0;
    let hi = this.sizes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sizes[mid]! < size) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(ptr: DevicePtr, size: number): void {
    const stack = this.bySize.get(size);
    if (stack) stack.push(ptr);
    else {
      this.bySize.set(size, [ptr]);
      this.sizes.splice(this.lowerBound(size), 0, size);
    }
    this.bytes += size;
  }

  /** Removes and returns the smallest block of at least `size` and at most `maxSize` bytes. */
  take(size: number, maxSize: number): { ptr: DevicePtr; size: number } | null {
    const i = this.lowerBound(size);
    const found = this.sizes[i];
    if (found === undefined || found > maxSize) return null;
    const stack = this.bySize.get(found)!;
    const ptr = stack.pop()!;
    if (stack.length === 0) {
      this.bySize.delete(found);
      this.sizes.splice(i, 1);
    }
    this.bytes -= found;
    return { ptr, size: found };
  }

  drain(): { ptr: DevicePtr; size: number }[] {
    const all: { ptr: DevicePtr; size: number }[] = [];
    for (const size of this.sizes) for (const ptr of this.bySize.get(size)!) all.push({ ptr, size });
    this.sizes.length = 0;
    this.bySize.clear();
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

  /**
   * Called when a malloc fails, before the cache is freed and the malloc retried: the owner
   * releases blocks it keeps only to save work (caches of its own), so they can be freed too.
   */
  onPressure: (() => void) | null = null;

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

  /** Starts the peak over from the bytes in use now (`torch.cuda.reset_peak_memory_stats()`). */
  resetPeak(): void {
    this.counters.peakBytesInUse = this.counters.bytesInUse;
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
      this.onPressure?.();
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
