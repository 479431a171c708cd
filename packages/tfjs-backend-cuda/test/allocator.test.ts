// The caching allocator: size classes, reuse, best fit, emptyCache, and the out-of-memory path.
import { describe, expect, it } from 'vitest';
import { CachingAllocator, ROUND_BYTES, SMALL_LIMIT_BYTES, roundSize } from '../src/allocator.js';
import { CudaOutOfMemoryError } from '../src/errors.js';
import { FakeCudaDevice } from '../src/fake/fake-device.js';

describe('CachingAllocator', () => {
  it('rounds sizes up to 512 bytes', () => {
    expect(ROUND_BYTES).toBe(512);
    expect([1, 512, 513, 1024, 1025].map(roundSize)).toEqual([512, 512, 1024, 1024, 1536]);
    const allocator = new CachingAllocator(new FakeCudaDevice({ capacityBytes: 1 << 20 }));
    const block = allocator.allocate(100);
    expect(block).toMatchObject({ size: 512, requested: 100 });
    expect(allocator.stats().bytesInUse).toBe(512);
  });

  it('reuses a released block of the same size class without a new malloc', () => {
    const device = new FakeCudaDevice({ capacityBytes: 1 << 20 });
    const allocator = new CachingAllocator(device);
    const first = allocator.allocate(1000);
    allocator.release(first);
    expect(allocator.stats()).toMatchObject({ bytesInUse: 0, bytesCached: 1024, mallocs: 1 });
    const second = allocator.allocate(700);
    expect(second.ptr).toBe(first.ptr);
    expect(allocator.stats()).toMatchObject({ bytesInUse: 1024, bytesCached: 0, mallocs: 1, cacheHits: 1 });
    expect(device.counters.mallocs).toBe(1);
  });

  it('small blocks serve only their exact size class; a larger cached small block is not split', () => {
    const allocator = new CachingAllocator(new FakeCudaDevice({ capacityBytes: 1 << 20 }));
    const big = allocator.allocate(4096);
    allocator.release(big);
    const small = allocator.allocate(512);
    expect(small.ptr).not.toBe(big.ptr);
    expect(allocator.stats().mallocs).toBe(2);
  });

  it('large blocks are best fit: the smallest cached block that fits and wastes at most half', () => {
    const device = new FakeCudaDevice({ capacityBytes: 64 << 20 });
    const allocator = new CachingAllocator(device);
    const mib = 1 << 20;
    const blocks = [8 * mib, 3 * mib, 5 * mib].map((bytes) => allocator.allocate(bytes));
    for (const block of blocks) allocator.release(block);
    // 2.5 MiB: the 3 MiB block (best fit), not the 5 or 8.
    expect(allocator.allocate(2.5 * mib).ptr).toBe(blocks[1]!.ptr);
    // 2 MiB: the 5 MiB block would waste more than half; a new malloc.
    const mallocs = allocator.stats().mallocs;
    const fresh = allocator.allocate(2 * mib);
    expect([blocks[0]!.ptr, blocks[2]!.ptr]).not.toContain(fresh.ptr);
    expect(allocator.stats().mallocs).toBe(mallocs + 1);
    expect(SMALL_LIMIT_BYTES).toBe(mib);
  });

  it('keeps several cached blocks per size, reuses the last freed first, and frees them all', () => {
    const device = new FakeCudaDevice({ capacityBytes: 64 << 20 });
    const allocator = new CachingAllocator(device);
    const mib = 1 << 20;
    const small = [1000, 1000, 1000, 3000].map((bytes) => allocator.allocate(bytes));
    const large = [2 * mib, 2 * mib, 6 * mib].map((bytes) => allocator.allocate(bytes));
    for (const block of [...small, ...large]) allocator.release(block);
    expect(allocator.stats()).toMatchObject({ bytesInUse: 0, bytesCached: 3 * 1024 + 3072 + 10 * mib });
    expect(allocator.allocate(900).ptr).toBe(small[2]!.ptr);
    expect(allocator.allocate(1024).ptr).toBe(small[1]!.ptr);
    expect(allocator.allocate(1.5 * mib).ptr).toBe(large[1]!.ptr);
    expect(allocator.allocate(1.5 * mib).ptr).toBe(large[0]!.ptr);
    // The 2 MiB size is used up: 1.5 MiB next would waste over half of the 6 MiB block.
    expect(allocator.allocate(1.5 * mib).ptr).not.toBe(large[2]!.ptr);
    expect(allocator.stats()).toMatchObject({ mallocs: 8, cacheHits: 4, bytesCached: 1024 + 3072 + 6 * mib });
    allocator.emptyCache();
    expect(allocator.stats()).toMatchObject({ bytesCached: 0, frees: 3 });
    expect(device.counters.frees).toBe(3);
  });

  it('emptyCache frees cached blocks on the device and keeps blocks in use', () => {
    const device = new FakeCudaDevice({ capacityBytes: 1 << 20 });
    const allocator = new CachingAllocator(device);
    const kept = allocator.allocate(2048);
    allocator.release(allocator.allocate(4096));
    allocator.emptyCache();
    expect(allocator.stats()).toMatchObject({ bytesInUse: 2048, bytesCached: 0, frees: 1 });
    expect(device.counters.frees).toBe(1);
    allocator.release(kept);
  });

  it('on out-of-memory frees the cache and retries once', () => {
    const device = new FakeCudaDevice({ capacityBytes: 8192 });
    const allocator = new CachingAllocator(device);
    // Fill the heap with a cached block of another size class, then ask for more.
    allocator.release(allocator.allocate(6144));
    const block = allocator.allocate(4096);
    expect(block.size).toBe(4096);
    expect(allocator.stats()).toMatchObject({ oomRetries: 1, bytesCached: 0, bytesInUse: 4096 });
  });

  it('on out-of-memory asks its owner for blocks first (onPressure), then frees them with the cache', () => {
    const device = new FakeCudaDevice({ capacityBytes: 8192 });
    const allocator = new CachingAllocator(device);
    // A block the owner keeps only as a cache, in use until it is asked.
    let kept: ReturnType<CachingAllocator['allocate']> | null = allocator.allocate(6144);
    const asked: number[] = [];
    allocator.onPressure = () => {
      asked.push(allocator.stats().bytesInUse);
      if (kept) allocator.release(kept);
      kept = null;
    };
    expect(allocator.allocate(1024).size).toBe(1024);
    expect(asked).toEqual([]);
    const block = allocator.allocate(4096);
    expect(block.size).toBe(4096);
    expect(asked).toEqual([6144 + 1024]);
    expect(allocator.stats()).toMatchObject({ oomRetries: 1, bytesCached: 0, bytesInUse: 4096 + 1024 });
    expect(device.counters.frees).toBe(1);
  });

  it('a second failure is a CudaOutOfMemoryError naming the bytes and the stats', () => {
    let calls = 0;
    const device = new FakeCudaDevice({
      capacityBytes: 1 << 20,
      onMalloc: (bytes) => {
        calls += 1;
        if (bytes > 4096) throw new Error('cuMemAlloc: CUDA_ERROR_OUT_OF_MEMORY');
      },
    });
    const allocator = new CachingAllocator(device);
    allocator.release(allocator.allocate(1024));
    let error: unknown;
    try {
      allocator.allocate(10_000);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CudaOutOfMemoryError);
    const oom = error as CudaOutOfMemoryError;
    expect(oom.requestedBytes).toBe(10_000);
    expect(oom.message).toMatch(
      /could not allocate 10000 bytes \(in use 0 bytes, cached 0 bytes, 1 device mallocs/,
    );
    expect(oom.message).toMatch(/CUDA_ERROR_OUT_OF_MEMORY/);
    // The first try, the cache freed, one retry.
    expect(calls).toBe(3);
    expect(device.counters.frees).toBe(1);
  });

  it('refuses to release a block twice and bad sizes', () => {
    const allocator = new CachingAllocator(new FakeCudaDevice({ capacityBytes: 1 << 20 }));
    const block = allocator.allocate(8);
    allocator.release(block);
    expect(() => allocator.release(block)).toThrow(/not allocated/);
    expect(() => allocator.allocate(0)).toThrow(RangeError);
    expect(() => allocator.allocate(1.5)).toThrow(RangeError);
  });
});
