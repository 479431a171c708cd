/**
 * Reuse of mid-sized output arrays (16K to 256K floats: the activations of one-sentence inference,
 * 30 tokens x 768 to 3072 features) by size class. Each such output is a view of exactly its
 * length over an ArrayBuffer rounded up to one of 8 classes per octave (at most 12.5% unused), so
 * sentences of 30 and 31 tokens share buffers, which exact-length pooling (buffer-pool.ts) could
 * not do: there, every new sentence length missed. Without reuse, a bert-base forward allocated
 * ~10 MB of fresh external memory, and V8 ran a collection every few forwards on "external memory
 * pressure": the slow tail of the latency.
 *
 * The same rules as buffer-pool.ts decide what may be reused (only arrays made here, never one
 * the backend handed out or another tensor views: both are marked through their buffer). At most
 * `NER_NATIVE_CLASS_POOL_MB` (default 64) MiB wait; `0` turns this pool off.
 */

const CLASS_MIN_FLOATS = 16384;
const CLASS_MAX_FLOATS = 1 << 18;
const limitBytes = Number(process.env.NER_NATIVE_CLASS_POOL_MB ?? 64) * 2 ** 20;
const free = new Map<number, ArrayBuffer[]>();
const made = new WeakSet<ArrayBuffer>();
let pooledBytes = 0;
// Coarse classes (one per power of two, from 1 MiB) for the outputs of NerEncoderLayer on batches:
// their own cap, NER_NATIVE_POOL_MB (default 256) like the exact-length pool they replace there.
const coarseLimitBytes = Number(process.env.NER_NATIVE_POOL_MB ?? 256) * 2 ** 20;
let coarseBytes = 0;

/** Buffers of 1 MiB and more count against the coarse cap, whichever function made them. */
function isCoarse(bytes: number): boolean {
  return bytes >= CLASS_MAX_FLOATS * 4;
}

function account(bytes: number, sign: 1 | -1): void {
  if (isCoarse(bytes)) coarseBytes += sign * bytes;
  else pooledBytes += sign * bytes;
}

/** Bytes of the class holding `n` floats: 8 classes per power of two. */
export function classBytes(n: number): number {
  const bytes = n * 4;
  const octave = 2 ** Math.floor(Math.log2(bytes));
  const step = octave / 8;
  return Math.ceil(bytes / step) * step;
}

/** Whether outputs of `n` floats come from this pool. */
export function usesClassPool(n: number): boolean {
  return limitBytes > 0 && n >= CLASS_MIN_FLOATS && n < CLASS_MAX_FLOATS;
}

/** A view of `n` floats over a pooled (stale contents) or new buffer of n's class. */
export function classArray(n: number): Float32Array {
  return viewOfClass(classBytes(n), n);
}

/** A view of `n` floats over a pooled buffer of `size` bytes (stale contents), or a new one. */
function viewOfClass(size: number, n: number): Float32Array {
  const buffer = free.get(size)?.pop();
  if (buffer) {
    account(size, -1);
    return new Float32Array(buffer, 0, n);
  }
  // Not zero-filled by V8 when it can avoid it: allocUnsafeSlow's memory.
  const fresh = Buffer.allocUnsafeSlow(size);
  made.add(fresh.buffer as ArrayBuffer);
  return new Float32Array(fresh.buffer, fresh.byteOffset, n);
}

/** Whether {@link coarseClassArray} serves outputs of `n` floats (from 2^18 floats, pool on). */
export function usesCoarseClass(n: number): boolean {
  return coarseLimitBytes > 0 && n >= CLASS_MAX_FLOATS;
}

/**
 * A view of `n` floats over a pooled or new buffer of the next power of two of bytes, for large
 * outputs whose lengths vary from call to call (a layer's output on batches of new shapes). Only
 * the pages the output writes are ever touched, so the unused tail costs address space, not
 * memory; and a batch shape that is new but in a class already seen reuses pages that are already
 * there instead of faulting in fresh ones (on the project's VM ~12 us per 4 KiB page, ~3 ms per MB).
 */
export function coarseClassArray(n: number): Float32Array {
  return viewOfClass(2 ** Math.ceil(Math.log2(n * 4)), n);
}

/**
 * Takes back the buffer of a disposed tensor's array when it came from here; `exposed` says
 * whether anything outside the backend may still see it. Returns whether it was taken.
 */
export function recycleClassArray(values: Float32Array, exposed: boolean): boolean {
  const buffer = values.buffer as ArrayBuffer;
  if (!made.has(buffer)) return false;
  if (exposed || values.byteOffset !== 0) {
    made.delete(buffer); // left to the GC for good
    return true;
  }
  const size = buffer.byteLength;
  const coarse = isCoarse(size);
  if ((coarse ? coarseBytes : pooledBytes) + size > (coarse ? coarseLimitBytes : limitBytes)) return true;
  const list = free.get(size);
  if (list?.includes(buffer)) return true; // disposed twice through two views: pool it once
  if (list) list.push(buffer);
  else free.set(size, [buffer]);
  account(size, 1);
  return true;
}

/** Pooled buffers and bytes (tests, diagnostics). */
export function classPoolStats(): { buffers: number; bytes: number; coarseBytes: number } {
  let buffers = 0;
  for (const list of free.values()) buffers += list.length;
  return { buffers, bytes: pooledBytes, coarseBytes };
}
