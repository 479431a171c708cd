/**
 * bfloat16 copies of float32 tensors, made for matmul operands under bf16 autocast and kept on
 * the tensor's data entry, so every product that reads the tensor again uses the same copy: until
 * autocast ends, the tensor is released, or a kernel writes it in place. torch's autocast keeps
 * its casts of weights for the same span (its cache is cleared when the autocast region exits).
 * Here inputs and output gradients are kept too: our products return float32, so without the
 * copies a linear layer's input, weight and output gradient would each be cast twice over its
 * three products (forward, input gradient, weight gradient).
 */
import type { Block, CachingAllocator } from './allocator.js';

/** What holds a copy: the backend's data entries. */
export interface Bf16CopyHolder {
  /** The bfloat16 copy of the entry's float32 data, when one is kept. */
  bf16?: Block | null;
}

/** The copies kept now, released one by one or all at once (see the module comment). */
export class Bf16Copies {
  private readonly holders = new Set<Bf16CopyHolder>();

  constructor(private readonly allocator: CachingAllocator) {}

  /** Keeps `block` as the copy of `holder`'s data (replacing none: call only when it has none). */
  keep(holder: Bf16CopyHolder, block: Block): void {
    holder.bf16 = block;
    this.holders.add(holder);
  }

  /** Gives the holder's copy back to the allocator, if it has one. */
  release(holder: Bf16CopyHolder): void {
    if (!holder.bf16) return;
    // Stream order makes this safe while products that read it are still queued: whatever takes
    // the block next is queued after them on the same stream.
    this.allocator.release(holder.bf16);
    holder.bf16 = null;
    this.holders.delete(holder);
  }

  /** Releases every copy (autocast ended, or the backend is disposed). */
  releaseAll(): void {
    for (const holder of [...this.holders]) this.release(holder);
  }

  /** Copies kept now, and their bytes (tests, memory reports). */
  stats(): { readonly copies: number; readonly bytes: number } {
    let bytes = 0;
    for (const holder of this.holders) bytes += holder.bf16?.size ?? 0;
    return { copies: this.holders.size, bytes };
  }
}
