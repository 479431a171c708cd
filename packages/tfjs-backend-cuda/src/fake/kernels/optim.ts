/**
 * The fake device's optimizer kernels (src/cu/optim.cu): AdamW on one tensor and on a table of
 * tensors, and the chunked sums of squares and sums the Trainer's clipping runs.
 */
import { f32, type FakeKernel, float, int, type KernelName, ptr } from './args.js';
import { ADAMW_SLOT, ADAMW_SLOT_BYTES, SUM_SQUARES_SLOT, SUM_SQUARES_SLOT_BYTES } from '../../kernel-abi.js';
import type { FakeHeap } from '../heap.js';

/** param, grad, m, v, then the outputs paramOut, mOut, vOut. */
type AdamWArrays = [
  Float32Array,
  Float32Array,
  Float32Array,
  Float32Array,
  Float32Array,
  Float32Array,
  Float32Array,
];

/** decayFactor, beta1, beta2, biasCorrection2Sqrt, eps, stepSize. */
type AdamWScalars = [number, number, number, number, number, number];

/**
 * `ner_adamw_f32`'s step on elements [from, to), float32 at each step as the CUDA kernel and
 * torch compute; each gradient times `gradMultiplier` (a float32 value) first.
 */
function adamwRange(
  arrays: AdamWArrays,
  scalars: AdamWScalars,
  from: number,
  to: number,
  gradMultiplier: number,
): void {
  const [param, grad, m, v, pOut, mOut, vOut] = arrays;
  // The scalars as the kernel receives them (float32 arguments or slot fields), and 1 - beta
  // computed in float32 as the kernel does.
  const [decay, beta1, beta2, bc2, eps, stepSize] = scalars.map(f32) as AdamWScalars;
  const oneMinusBeta1 = f32(1 - beta1);
  const oneMinusBeta2 = f32(1 - beta2);
  for (let i = from; i < to; i++) {
    const g = f32(grad[i]! * gradMultiplier);
    const p = f32(param[i]! * decay);
    const mi = f32(f32(beta1 * m[i]!) + f32(oneMinusBeta1 * g));
    const vi = f32(f32(beta2 * v[i]!) + f32(f32(oneMinusBeta2 * g) * g));
    const denom = f32(f32(Math.sqrt(vi) / bc2) + eps);
    pOut[i] = f32(p - f32(stepSize * f32(mi / denom)));
    mOut[i] = mi;
    vOut[i] = vi;
  }
}

/** The AdamW kernels' `gradMultiplier`: the float at `address`, or 1 for none (address 0). */
function gradMultiplierAt(heap: FakeHeap, address: bigint, name: string): number {
  return address === 0n ? 1 : heap.f32(address, 1, `${name} gradMultiplier`)[0]!;
}

/** Where a multi-tensor kernel's slot starts in its chunks, and how many elements it has. */
interface ChunkedSlot {
  readonly n: number;
  readonly firstChunk: number;
}

/**
 * The promise of a multi-tensor kernel's table (kernel-abi.ts): count and chunk size > 0, every
 * slot non-empty and starting where the one before ended, `chunks` chunks in all. Checked on the
 * fake device so that a wrong table fails here rather than updating the wrong elements on a GPU.
 */
function checkChunkedSlots(
  name: string,
  slots: readonly ChunkedSlot[],
  chunks: number,
  chunkSize: number,
): void {
  let next = 0;
  slots.forEach(({ n, firstChunk }, t) => {
    if (n <= 0 || firstChunk !== next)
      throw new Error(
        `${name}: slot ${t} has n ${n} and firstChunk ${firstChunk}, expected n > 0 and ${next}`,
      );
    next += Math.ceil(n / chunkSize);
  });
  if (next !== chunks) throw new Error(`${name}: the slots cover ${next} chunks, chunks is ${chunks}`);
}

/** Visits the chunks in order, as the blocks take them: the slot and its element range [from, to). */
function forEachChunk<S extends ChunkedSlot>(
  slots: readonly S[],
  chunks: number,
  chunkSize: number,
  visit: (slot: S, from: number, to: number, chunk: number) => void,
): void {
  for (let c = 0, t = 0; c < chunks; c++) {
    while (t + 1 < slots.length && slots[t + 1]!.firstChunk <= c) t++;
    const slot = slots[t]!;
    const from = (c - slot.firstChunk) * chunkSize;
    visit(slot, from, Math.min(from + chunkSize, slot.n), c);
  }
}

/** Throws unless a multi-tensor kernel's count and chunk size are positive. */
function checkCounts(name: string, count: number, chunkSize: number): void {
  if (count <= 0 || chunkSize <= 0)
    throw new Error(`${name}: count ${count} and chunkSize ${chunkSize} must be > 0`);
}

/**
 * The slots of `ner_sum_squares_chunks_f32`'s table, checked ({@link checkChunkedSlots}), each
 * tensor's values bounds-checked.
 */
function readSumSquaresSlots(
  heap: FakeHeap,
  table: bigint,
  count: number,
  chunks: number,
  chunkSize: number,
  name: string,
): { x: Float32Array; n: number; firstChunk: number }[] {
  checkCounts(name, count, chunkSize);
  const bytes = heap.bytes(table, count * SUM_SQUARES_SLOT_BYTES, `${name} slots`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sizes = Array.from({ length: count }, (_, t) => ({
    n: view.getInt32(t * SUM_SQUARES_SLOT_BYTES + SUM_SQUARES_SLOT.n, true),
    firstChunk: view.getInt32(t * SUM_SQUARES_SLOT_BYTES + SUM_SQUARES_SLOT.firstChunk, true),
  }));
  checkChunkedSlots(name, sizes, chunks, chunkSize);
  return sizes.map(({ n, firstChunk }, t) => ({
    x: heap.f32(
      view.getBigUint64(t * SUM_SQUARES_SLOT_BYTES + SUM_SQUARES_SLOT.x, true),
      n,
      `${name} slot ${t} x`,
    ),
    n,
    firstChunk,
  }));
}

/** Slot `t` of `ner_adamw_multi_f32`'s table: its arrays (bounds-checked) and scalars. */
function readAdamWSlot(
  heap: FakeHeap,
  view: DataView,
  t: number,
): { n: number; firstChunk: number; arrays: AdamWArrays; scalars: AdamWScalars } {
  const at = t * ADAMW_SLOT_BYTES;
  const n = view.getInt32(at + ADAMW_SLOT.n, true);
  const firstChunk = view.getInt32(at + ADAMW_SLOT.firstChunk, true);
  const roles = ['param', 'grad', 'm', 'v', 'paramOut', 'mOut', 'vOut'] as const;
  const arrays = roles.map((role) =>
    heap.f32(
      view.getBigUint64(at + ADAMW_SLOT[role], true),
      Math.max(n, 0),
      `ner_adamw_multi_f32 slot ${t} ${role}`,
    ),
  ) as AdamWArrays;
  const names = ['decayFactor', 'beta1', 'beta2', 'biasCorrection2Sqrt', 'eps', 'stepSize'] as const;
  const scalars = names.map((name) => view.getFloat32(at + ADAMW_SLOT[name], true)) as AdamWScalars;
  return { n, firstChunk, arrays, scalars };
}

export const OPTIM_KERNELS = {
  ner_adamw_f32: (heap, args) => {
    const n = int(args, 7);
    const name = 'ner_adamw_f32';
    const [param, grad, m, v, pOut, mOut, vOut] = [0, 1, 2, 3, 4, 5, 6].map((i) =>
      heap.f32(ptr(args, i), n, `${name} ${i < 4 ? 'in' : 'out'} ${i}`),
    ) as AdamWArrays;
    const scalars = [8, 9, 10, 11, 12, 13].map((i) => float(args, i)) as AdamWScalars;
    const multiplier = gradMultiplierAt(heap, ptr(args, 14), name);
    adamwRange([param, grad, m, v, pOut, mOut, vOut], scalars, 0, n, multiplier);
  },
  ner_adamw_multi_f32: (heap, args) => {
    const name = 'ner_adamw_multi_f32';
    const [count, chunks, chunkSize] = [int(args, 1), int(args, 2), int(args, 3)];
    checkCounts(name, count, chunkSize);
    const table = heap.bytes(ptr(args, 0), count * ADAMW_SLOT_BYTES, `${name} slots`);
    const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
    const slots = Array.from({ length: count }, (_, t) => readAdamWSlot(heap, view, t));
    checkChunkedSlots(name, slots, chunks, chunkSize);
    const multiplier = gradMultiplierAt(heap, ptr(args, 4), name);
    forEachChunk(slots, chunks, chunkSize, (slot, from, to) =>
      adamwRange(slot.arrays, slot.scalars, from, to, multiplier),
    );
  },
  ner_sum_squares_chunks_f32: (heap, args) => {
    const [count, chunks, chunkSize] = [int(args, 1), int(args, 2), int(args, 3)];
    const slots = readSumSquaresSlots(
      heap,
      ptr(args, 0),
      count,
      chunks,
      chunkSize,
      'ner_sum_squares_chunks_f32',
    );
    const partial = heap.f32(ptr(args, 4), chunks, 'ner_sum_squares_chunks_f32 partial');
    forEachChunk(slots, chunks, chunkSize, ({ x }, from, to, c) => {
      let acc = 0;
      for (let i = from; i < to; i++) acc = f32(acc + f32(x[i]! * x[i]!));
      partial[c] = acc;
    });
  },
  ner_sum_chunks_f32: (heap, args) => {
    const [count, chunkSize] = [int(args, 1), int(args, 2)];
    const view = heap.bytes(ptr(args, 0), count * SUM_SQUARES_SLOT_BYTES, 'ner_sum_chunks_f32 slots');
    const data = new DataView(view.buffer, view.byteOffset, view.byteLength);
    for (let t = 0; t < count; t++) {
      const n = data.getInt32(t * SUM_SQUARES_SLOT_BYTES + SUM_SQUARES_SLOT.n, true);
      const first = data.getInt32(t * SUM_SQUARES_SLOT_BYTES + SUM_SQUARES_SLOT.firstChunk, true);
      const own = Math.ceil(n / chunkSize);
      const partial = heap.f32(
        ptr(args, 3) + BigInt(first * 4),
        own,
        `ner_sum_chunks_f32 partial of slot ${t}`,
      );
      let acc = 0;
      for (let k = 0; k < own; k++) acc = f32(acc + partial[k]!);
      const index = data.getInt32(t * SUM_SQUARES_SLOT_BYTES + SUM_SQUARES_SLOT.out, true);
      heap.f32(ptr(args, 4) + BigInt(index * 4), 1, `ner_sum_chunks_f32 out of slot ${t}`)[0] = acc;
    }
  },
} satisfies Partial<Record<KernelName, FakeKernel>>;
