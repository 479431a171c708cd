/**
 * `NerSumSquaresMulti`: the sum of squares of each of N tensors, the part of a global gradient
 * norm (`@ner/accelerate`'s `clipGradNorm`) that touches every gradient. As torch's
 * `_foreach_norm`: two launches for all tensors (chunk sums, then each tensor's chunks added),
 * where the composite took a Square and a Sum per tensor (398 tfjs calls and launches for
 * bert-base, and a squared copy of every gradient written and read back).
 */
import type * as tf from '@tensorflow/tfjs-core';
import {
  SUM_SQUARES_MULTI_KERNEL_NAME,
  sumSquaresMultiInputs,
} from '../../../../tools/kernel-contract/index.js';
import type { CudaBackend } from '../backend.js';
import { SUM_SQUARES_SLOT, SUM_SQUARES_SLOT_BYTES } from '../kernel-abi.js';
import { defineKernel } from './registry.js';
import { sizeOf } from './util.js';

/** Elements one block of `ner_sum_squares_chunks_f32` sums (64 per thread of 256), as AdamW's chunks. */
export const SUM_SQUARES_CHUNK_ELEMENTS = 16_384;

defineKernel(SUM_SQUARES_MULTI_KERNEL_NAME, (args) => {
  const xs = sumSquaresMultiInputs(args.inputs as Record<string, tf.TensorInfo | undefined>);
  const backend = args.backend;
  const out = backend.makeOutput([xs.length], 'float32');
  const present = xs.flatMap((x, index) => (sizeOf(x.shape) > 0 ? [{ x, index }] : []));
  // Empty tensors have no slot: their sums are the zeros written here.
  if (present.length < xs.length) backend.device.fill32(backend.ptrOf(out), 0, xs.length);
  if (present.length === 0) return out;
  const { bytes, chunks } = slotTable(backend, present);
  let slots: tf.TensorInfo | undefined;
  let partial: tf.TensorInfo | undefined;
  try {
    slots = backend.makeOutput([bytes.byteLength / 4], 'int32');
    partial = backend.makeOutput([chunks], 'float32');
    backend.device.upload(backend.ptrOf(slots), bytes);
    const table = { ptr: backend.ptrOf(slots) };
    backend.launchRows('ner_sum_squares_chunks_f32', chunks, [
      table,
      { i32: present.length },
      { i32: chunks },
      { i32: SUM_SQUARES_CHUNK_ELEMENTS },
      { ptr: backend.ptrOf(partial) },
    ]);
    backend.launchRows('ner_sum_chunks_f32', present.length, [
      table,
      { i32: present.length },
      { i32: SUM_SQUARES_CHUNK_ELEMENTS },
      { ptr: backend.ptrOf(partial) },
      { ptr: backend.ptrOf(out) },
    ]);
  } catch (error) {
    backend.disposeIntermediateTensorInfo(out);
    throw error;
  } finally {
    // Released at once: whatever reuses the blocks is queued after both launches.
    if (slots) backend.disposeIntermediateTensorInfo(slots);
    if (partial) backend.disposeIntermediateTensorInfo(partial);
  }
  return out;
});

/** The slots (layout: `SUM_SQUARES_SLOT`) of the non-empty tensors in order, and their chunks. */
function slotTable(
  backend: CudaBackend,
  present: readonly { x: tf.TensorInfo; index: number }[],
): { bytes: Uint8Array; chunks: number } {
  const buffer = new ArrayBuffer(present.length * SUM_SQUARES_SLOT_BYTES);
  const addresses = new BigUint64Array(buffer);
  const ints = new Int32Array(buffer);
  let chunks = 0;
  present.forEach(({ x, index }, t) => {
    const n = sizeOf(x.shape);
    addresses[(t * SUM_SQUARES_SLOT_BYTES + SUM_SQUARES_SLOT.x) / 8] = backend.ptrOf(x);
    ints[(t * SUM_SQUARES_SLOT_BYTES + SUM_SQUARES_SLOT.n) / 4] = n;
    ints[(t * SUM_SQUARES_SLOT_BYTES + SUM_SQUARES_SLOT.firstChunk) / 4] = chunks;
    ints[(t * SUM_SQUARES_SLOT_BYTES + SUM_SQUARES_SLOT.out) / 4] = index;
    chunks += Math.ceil(n / SUM_SQUARES_CHUNK_ELEMENTS);
  });
  return { bytes: new Uint8Array(buffer), chunks };
}
