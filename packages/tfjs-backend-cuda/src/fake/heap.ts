/**
 * Host memory standing in for device memory: one ArrayBuffer, first-fit allocation with
 * coalescing free ranges, pointers as bigint byte offsets (256-byte aligned, never 0). Every
 * access goes through {@link FakeHeap.f32} / {@link FakeHeap.i32} (4-byte words) or
 * {@link FakeHeap.u16} (bfloat16 bits, 2-byte aligned), which check that the range lies inside one
 * live allocation.
 */
import type { DevicePtr } from '../device.js';
import { CudaMemoryAccessError } from '../errors.js';

const ALIGN = 256;

export class FakeHeap {
  readonly buffer: ArrayBuffer;
  private readonly f32View: Float32Array;
  private readonly i32View: Int32Array;
  private readonly u8View: Uint8Array;
  private readonly u16View: Uint16Array;
  /** Free ranges [start, end) sorted by start. */
  private free: { start: number; end: number }[];
  /** Live allocations: start -> size. */
  private readonly live = new Map<number, number>();
  /** Sorted starts of live allocations, for lookups by address. */
  private liveStarts: number[] = [];
  bytesAllocated = 0;

  constructor(readonly capacity: number) {
    this.buffer = new ArrayBuffer(capacity);
    this.f32View = new Float32Array(this.buffer);
    this.i32View = new Int32Array(this.buffer);
    this.u8View = new Uint8Array(this.buffer);
    this.u16View = new Uint16Array(this.buffer);
    // Address 0 is null; the heap starts one alignment unit in.
    this.free = [{ start: ALIGN, end: capacity }];
  }

  malloc(bytes: number): DevicePtr | null {
    const size = Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
    const index = this.free.findIndex((range) => range.end - range.start >= size);
    if (index < 0) return null;
    const range = this.free[index]!;
    const start = range.start;
    range.start += size;
    if (range.start === range.end) this.free.splice(index, 1);
    this.live.set(start, size);
    this.liveStarts.splice(this.insertionPoint(this.liveStarts, start), 0, start);
    this.bytesAllocated += size;
    // Fresh device memory holds garbage; NaN bytes make a kernel that reads unwritten memory visible.
    this.u8View.fill(0xff, start, start + size);
    return BigInt(start);
  }

  freePtr(ptr: DevicePtr): void {
    const start = Number(ptr);
    const size = this.live.get(start);
    if (size === undefined) throw new CudaMemoryAccessError(`free of 0x${ptr.toString(16)}: not allocated`);
    this.live.delete(start);
    this.liveStarts.splice(this.liveStarts.indexOf(start), 1);
    this.bytesAllocated -= size;
    const at = this.insertionPoint(
      this.free.map((r) => r.start),
      start,
    );
    this.free.splice(at, 0, { start, end: start + size });
    // Coalesce with the neighbours.
    const merged: { start: number; end: number }[] = [];
    for (const range of this.free) {
      const last = merged[merged.length - 1];
      if (last && last.end === range.start) last.end = range.end;
      else merged.push({ ...range });
    }
    this.free = merged;
  }

  /** Checks that [ptr, ptr + bytes) lies inside one live allocation; returns the byte offset. */
  check(ptr: DevicePtr, bytes: number, what: string, alignment = 4): number {
    const start = Number(ptr);
    if (bytes === 0) return start;
    const i = this.insertionPoint(this.liveStarts, start + 1) - 1;
    const base = this.liveStarts[i];
    const size = base === undefined ? undefined : this.live.get(base);
    if (base === undefined || size === undefined || start < base || start + bytes > base + size) {
      throw new CudaMemoryAccessError(
        `${what}: ${bytes} bytes at 0x${ptr.toString(16)} are outside every live allocation` +
          (base !== undefined && size !== undefined
            ? ` (nearest: 0x${base.toString(16)}, ${size} bytes)`
            : ''),
      );
    }
    if (start % alignment !== 0)
      throw new CudaMemoryAccessError(`${what}: 0x${ptr.toString(16)} is not ${alignment}-byte aligned`);
    return start;
  }

  /** `count` float32 values at `ptr`, bounds-checked. */
  f32(ptr: DevicePtr, count: number, what: string): Float32Array {
    const start = this.check(ptr, count * 4, what);
    return this.f32View.subarray(start / 4, start / 4 + count);
  }

  /** `count` int32 values at `ptr`, bounds-checked. */
  i32(ptr: DevicePtr, count: number, what: string): Int32Array {
    const start = this.check(ptr, count * 4, what);
    return this.i32View.subarray(start / 4, start / 4 + count);
  }

  /** `count` 16-bit words (bfloat16 bits) at `ptr`, bounds-checked, 2-byte aligned. */
  u16(ptr: DevicePtr, count: number, what: string): Uint16Array {
    const start = this.check(ptr, count * 2, what, 2);
    return this.u16View.subarray(start / 2, start / 2 + count);
  }

  /** `bytes` raw bytes at `ptr`, bounds-checked. */
  bytes(ptr: DevicePtr, bytes: number, what: string): Uint8Array {
    const start = this.check(ptr, bytes, what);
    return this.u8View.subarray(start, start + bytes);
  }

  private insertionPoint(sorted: readonly number[], value: number): number {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
