/**
 * Reuse of the float32 output arrays of disposed tensors. The cpu backend's storage is plain
 * typed arrays that only V8's garbage collector frees, and only once it notices the external
 * memory: a bert-base training step allocates gigabytes of outputs, so new outputs kept landing
 * on fresh pages (page faults, ~0.5 us per 4 KiB) and collections ran on "external memory
 * pressure". When a tensor is disposed, its array goes into a free list by length, and the next
 * output of that length takes it.
 *
 * An array is only reused when nothing outside the backend can still see it:
 * - only arrays the native kernels allocated (`outputArray`), never ones a caller passed to
 *   `tf.tensor`;
 * - never an array the backend handed out: `readSync` (behind `dataSync`, `data`, `array`)
 *   returns the storage itself, so those arrays are marked exposed and left to the GC;
 * - never an array that another tensor's storage views: a cpu kernel that returns a view of
 *   its input (`subarray` slices, shared casts) marks the input exposed (see `noteAliases`);
 * - a reused array's packed GEMM copy is dropped first.
 *
 * At most `NER_NATIVE_POOL_MB` (default 256) MiB wait in the lists, the oldest leaving first;
 * `NER_NATIVE_POOL_MB=0` turns reuse off.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { forgetPackedWeight } from './packed-weights.js';
import { recycleClassArray } from './size-class-pool.js';

const owned = new WeakSet<Float32Array>();
const exposed = new WeakSet<ArrayBufferLike>();
const free = new Map<number, Float32Array[]>();
// Arrays in the order they were pooled (entries already taken again are skipped): when the pool
// is full the oldest go to the GC, so lengths that stop recurring (inference on sentences of
// varying length) do not pin memory.
const order: Float32Array[] = [];
let orderHead = 0;
const pooled = new WeakSet<Float32Array>();
const limitBytes = Number(process.env.NER_NATIVE_POOL_MB ?? 256) * 2 ** 20;
let pooledBytes = 0;

/** A free array of exactly `n` floats, or null. Its contents are stale: the caller overwrites them. */
export function takePooled(n: number): Float32Array | null {
  const list = free.get(n);
  const values = list?.pop();
  if (!values) return null;
  pooled.delete(values);
  pooledBytes -= values.byteLength;
  return values;
}

function evictOldest(): void {
  while (orderHead < order.length) {
    const values = order[orderHead]!;
    order[orderHead++] = undefined as unknown as Float32Array;
    if (!pooled.has(values)) continue;
    pooled.delete(values);
    const list = free.get(values.length)!;
    list.splice(list.indexOf(values), 1);
    pooledBytes -= values.byteLength;
    break;
  }
  if (orderHead > 1024 && orderHead * 2 > order.length) {
    order.splice(0, orderHead);
    orderHead = 0;
  }
}

/** Marks an array a kernel allocated as reusable once its tensor is disposed. */
export function markOwned(values: Float32Array): void {
  owned.add(values);
}

/** The array left the backend (or another tensor views it): never reuse it. */
export function markExposed(values: unknown): void {
  if (ArrayBuffer.isView(values)) exposed.add(values.buffer);
}

/**
 * Smaller arrays are left to the GC: they are cheap to allocate, and pooling them (inference on
 * sentences of varying length makes many lengths that never recur) made latency worse, not
 * better (measured p90 of one-sentence bert-base inference 59 -> 77 ms).
 */
export const POOL_MIN_FLOATS = 1 << 18;

/** Called with the array of a tensor whose storage was just deleted. */
export function recycle(values: unknown): void {
  if (!(values instanceof Float32Array)) return;
  // Mid-sized outputs (and the coarse-class outputs of NerEncoderLayer) come from the size-class
  // pool (size-class-pool.ts); other small ones go to the GC.
  if (recycleClassArray(values, exposed.has(values.buffer))) {
    forgetPackedWeight(values);
    return;
  }
  if (values.length < POOL_MIN_FLOATS) return;
  if (!owned.has(values) || exposed.has(values.buffer)) return;
  if (values.byteLength > limitBytes) return;
  while (pooledBytes + values.byteLength > limitBytes && orderHead < order.length) evictOldest();
  owned.delete(values);
  forgetPackedWeight(values);
  const list = free.get(values.length);
  if (list) list.push(values);
  else free.set(values.length, [values]);
  pooled.add(values);
  order.push(values);
  pooledBytes += values.byteLength;
}

type Storage = { get(dataId: tf.DataId): { values?: unknown } | undefined };

/**
 * After a cpu kernel ran: any output whose storage shares memory with an input's (a view, or the
 * same array under a new tensor) makes that input's array exposed, so it is never reused while
 * the view lives.
 */
export function noteAliases(
  data: Storage,
  inputs: tf.NamedTensorInfoMap,
  outputs: tf.TensorInfo | tf.TensorInfo[],
): void {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  for (const input of Object.values(inputs)) {
    if (!input) continue;
    const inValues = data.get(input.dataId)?.values;
    if (!ArrayBuffer.isView(inValues)) continue;
    for (const out of outs) {
      if (out.dataId === input.dataId) continue;
      const outValues = data.get(out.dataId)?.values;
      if (ArrayBuffer.isView(outValues) && outValues.buffer === inValues.buffer) markExposed(inValues);
    }
  }
}

/** Pooled arrays and bytes (tests, diagnostics). */
export function poolStats(): { arrays: number; bytes: number } {
  let arrays = 0;
  for (const list of free.values()) arrays += list.length;
  return { arrays, bytes: pooledBytes };
}
