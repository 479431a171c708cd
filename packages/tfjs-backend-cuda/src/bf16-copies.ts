/**
 * bfloat16 copies of float32 tensors, made for matmul operands under bf16 autocast and kept on
 * the tensor's data entry, so every product that reads the tensor again uses the same copy: until
 * autocast ends, the tensor is released, or a kernel writes it in place. torch's autocast keeps
 * its casts of weights for the same span (its cache is cleared when the autocast region exits).
 * Here inputs and output gradients are kept too: our products return float32, so without the
 * copies a linear layer's input, weight and output gradient would each be cast twice over its
 * three products (forward, input gradient, weight gradient).
 *
 * The copies are a cache: they save casts, not data. When device memory runs out, the allocator
 * asks for them back ({@link Bf16Copies.reclaim}) before it gives up, and a product that needs one
 * again casts again (the same bits). So a bf16 step fits wherever the fp32 step fits, give or take
 * the copies of the product running then; with room to spare it keeps them all and casts less.
 */
import type { Block, CachingAllocator } from './allocator.js';

/** What holds a copy: the backend's data entries. */
export interface Bf16CopyHolder {
  /** The bfloat16 copy of the entry's float32 data, when one is kept. */
  bf16?: Block | null;
}

/** What `CudaBackend.bf16CopyStats()` returns: the bf16 operand copies kept, and those given back. */
export interface Bf16CopyStats {
  /** Copies kept now. */
  readonly copies: number;
  /** Their bytes (allocator block sizes). */
  readonly bytes: number;
  /** Copies released because device memory ran out, since the backend was made. */
  readonly reclaimedCopies: number;
  /** Their bytes. */
  readonly reclaimedBytes: number;
}

/** The copies kept now, released one by one or all at once (see the module comment). */
export class Bf16Copies {
  private readonly holders = new Set<Bf16CopyHolder>();
  /**
   * Copies the kernel running now reads (its operands): {@link reclaim} leaves them, since the
   * kernel holds their addresses. Emptied by {@link unpinAll} when the kernel call ends.
   */
  private readonly pinned = new Set<Bf16CopyHolder>();
  private reclaimedCopies = 0;
  private reclaimedBytes = 0;

  constructor(private readonly allocator: CachingAllocator) {}

  /** Keeps `block` as the copy of `holder`'s data (replacing none: call only when it has none). */
  keep(holder: Bf16CopyHolder, block: Block): void {
    holder.bf16 = block;
    this.holders.add(holder);
  }

  /** Marks `holder`'s copy as read by the kernel running now (see {@link pinned}). */
  pin(holder: Bf16CopyHolder): void {
    this.pinned.add(holder);
  }

  /** The kernel call ended: every copy may be reclaimed again. */
  unpinAll(): void {
    this.pinned.clear();
  }

  /**
   * Releases every copy that no running kernel reads (device memory ran out; see the module
   * comment). The blocks go back to the allocator, which frees its cache next.
   */
  reclaim(): void {
    for (const holder of [...this.holders]) {
      if (this.pinned.has(holder)) continue;
      this.reclaimedCopies += 1;
      this.reclaimedBytes += holder.bf16?.size ?? 0;
      this.release(holder);
    }
  }

  /** Gives the holder's copy back to the allocator, if it has one. */
  release(holder: Bf16CopyHolder): void {
    if (!holder.bf16) return;
    // Stream order makes this safe while products that read it are still queued: whatever takes
    // the block next is queued after them on the same stream.
    this.allocator.release(holder.bf16);
    holder.bf16 = null;
    this.holders.delete(holder);
    this.pinned.delete(holder);
  }

  /** Releases every copy (autocast ended, or the backend is disposed). */
  releaseAll(): void {
    for (const holder of [...this.holders]) this.release(holder);
  }

  /** Copies kept now and their bytes, and those given back under memory pressure so far. */
  stats(): Bf16CopyStats {
    let bytes = 0;
    for (const holder of this.holders) bytes += holder.bf16?.size ?? 0;
    return {
      copies: this.holders.size,
      bytes,
      reclaimedCopies: this.reclaimedCopies,
      reclaimedBytes: this.reclaimedBytes,
    };
  }
}
