/**
 * JS versions of every kernel in `KERNEL_ABI`, with the documented semantics, over a
 * {@link FakeHeap}. Each reads its arguments already checked for kind and count, and touches
 * memory only through the heap's bounds-checked views. Arithmetic is float64 rounded to float32
 * on store (the GPU rounds each float op; differences stay within the backend's 1e-5 tests).
 */
import type { KernelArg } from '../device.js';
import {
  ADAMW_SLOT,
  ADAMW_SLOT_BYTES,
  BINARY_OP,
  COMPARE_OP,
  type KERNEL_ABI,
  REDUCE_OP,
  SUM_SQUARES_SLOT,
  SUM_SQUARES_SLOT_BYTES,
  UNARY_OP,
} from '../kernel-abi.js';
import type { FakeHeap } from './heap.js';
import { erf, philox4x32, roundHalfEven, uint32ToUnit } from './math.js';
import { roundToBf16 } from '../../../../tools/kernel-contract/index.js';

type Args = readonly KernelArg[];
type FakeKernel = (heap: FakeHeap, args: Args) => void;

const ptr = (args: Args, i: number) => (args[i] as { ptr: bigint }).ptr;
const int = (args: Args, i: number) => (args[i] as { i32: number }).i32;
const uint = (args: Args, i: number) => (args[i] as { u32: number }).u32;
const float = (args: Args, i: number) => (args[i] as { f32: number }).f32;
const dimsOf = (args: Args, i: number) => (args[i] as { dims: Int32Array }).dims;

/** `NerDims` field `k` (0 = a, 1 = b, ...) as an array of `rank` ints. */
function field(d: Int32Array, k: number): number[] {
  const rank = d[0]!;
  return Array.from(d.subarray(1 + 6 * k, 1 + 6 * k + rank));
}

/** Elements a strided view of `shape` spans (max offset + 1), 0 when empty. */
function extent(shape: readonly number[], strides: readonly number[]): number {
  if (shape.some((s) => s === 0)) return 0;
  return 1 + shape.reduce((sum, s, k) => sum + (s - 1) * Math.abs(strides[k]!), 0);
}

/** Offset of output element i in a strided operand. */
function stridedOffset(i: number, shape: readonly number[], strides: readonly number[]): number {
  let offset = 0;
  for (let k = shape.length - 1; k >= 0; k--) {
    const dim = shape[k]!;
    offset += (i % dim) * strides[k]!;
    i = Math.floor(i / dim);
  }
  return offset;
}

const f32 = Math.fround;

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

function unaryOp(op: number, x: number, alpha: number): number {
  switch (op) {
    case UNARY_OP.neg:
      return -x;
    case UNARY_OP.exp:
      return Math.exp(x);
    case UNARY_OP.log:
      return Math.log(x);
    case UNARY_OP.sqrt:
      return Math.sqrt(x);
    case UNARY_OP.rsqrt:
      return 1 / Math.sqrt(x);
    case UNARY_OP.square:
      return x * x;
    case UNARY_OP.abs:
      return Math.abs(x);
    case UNARY_OP.tanh:
      return Math.tanh(x);
    case UNARY_OP.sigmoid:
      return 1 / (1 + Math.exp(-x));
    case UNARY_OP.relu:
      return Math.max(x, 0);
    case UNARY_OP.erf:
      return erf(x);
    case UNARY_OP.reciprocal:
      return 1 / x;
    case UNARY_OP.sign:
      return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : Number.NaN;
    case UNARY_OP.log1p:
      return Math.log1p(x);
    case UNARY_OP.expm1:
      return Math.expm1(x);
    case UNARY_OP.floor:
      return Math.floor(x);
    case UNARY_OP.ceil:
      return Math.ceil(x);
    case UNARY_OP.round:
      return roundHalfEven(x);
    case UNARY_OP.sin:
      return Math.sin(x);
    case UNARY_OP.cos:
      return Math.cos(x);
    case UNARY_OP.softplus:
      return x > 20 ? x : x < -20 ? Math.exp(x) : Math.log1p(Math.exp(x));
    case UNARY_OP.elu:
      return x >= 0 ? x : alpha * Math.expm1(x);
    case UNARY_OP.step:
      return x > 0 ? 1 : Number.isNaN(x) ? Number.NaN : alpha;
    case UNARY_OP.isNaN:
      return Number.isNaN(x) ? 1 : 0;
    case UNARY_OP.isFinite:
      return Number.isFinite(x) ? 1 : 0;
    case UNARY_OP.isInf:
      return x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY ? 1 : 0;
    default:
      throw new RangeError(`ner_unary_f32: unknown op ${op}`);
  }
}

/** Python-style floor modulo. */
function floorMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

function binaryOp(op: number, a: number, b: number): number {
  switch (op) {
    case BINARY_OP.add:
      return a + b;
    case BINARY_OP.sub:
      return a - b;
    case BINARY_OP.mul:
      return f32(a) * f32(b);
    case BINARY_OP.div:
    case BINARY_OP.realDiv:
      return a / b;
    case BINARY_OP.maximum:
      return Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.max(a, b);
    case BINARY_OP.minimum:
      return Number.isNaN(a) || Number.isNaN(b) ? Number.NaN : Math.min(a, b);
    case BINARY_OP.pow:
      return a ** b;
    case BINARY_OP.squaredDifference:
      return (a - b) * (a - b);
    case BINARY_OP.floorDiv:
      return Math.floor(a / b);
    case BINARY_OP.mod:
      return floorMod(a, b);
    case BINARY_OP.logicalAnd:
      return a !== 0 && b !== 0 ? 1 : 0;
    case BINARY_OP.logicalOr:
      return a !== 0 || b !== 0 ? 1 : 0;
    case BINARY_OP.atan2:
      return Math.atan2(a, b);
    default:
      throw new RangeError(`ner_binary: unknown op ${op}`);
  }
}

function binaryI32(op: number, a: number, b: number): number {
  switch (op) {
    case BINARY_OP.add:
      return (a + b) | 0;
    case BINARY_OP.sub:
      return (a - b) | 0;
    case BINARY_OP.mul:
      return Math.imul(a, b);
    case BINARY_OP.div:
    case BINARY_OP.floorDiv:
      return b === 0 ? 0 : Math.floor(a / b) | 0;
    case BINARY_OP.mod:
      return b === 0 ? 0 : floorMod(a, b) | 0;
    case BINARY_OP.maximum:
      return Math.max(a, b);
    case BINARY_OP.minimum:
      return Math.min(a, b);
    case BINARY_OP.logicalAnd:
      return a !== 0 && b !== 0 ? 1 : 0;
    case BINARY_OP.logicalOr:
      return a !== 0 || b !== 0 ? 1 : 0;
    case BINARY_OP.pow:
      return (a ** b) | 0;
    case BINARY_OP.squaredDifference:
      return Math.imul(a - b, a - b);
    default:
      throw new RangeError(`ner_binary_i32: op ${op} is not an integer op`);
  }
}

function compareOp(op: number, a: number, b: number): number {
  switch (op) {
    case COMPARE_OP.equal:
      return a === b ? 1 : 0;
    case COMPARE_OP.notEqual:
      return a !== b ? 1 : 0;
    case COMPARE_OP.less:
      return a < b ? 1 : 0;
    case COMPARE_OP.lessEqual:
      return a <= b ? 1 : 0;
    case COMPARE_OP.greater:
      return a > b ? 1 : 0;
    case COMPARE_OP.greaterEqual:
      return a >= b ? 1 : 0;
    default:
      throw new RangeError(`ner_compare: unknown op ${op}`);
  }
}

/** The broadcasting elementwise pattern shared by binary and compare kernels. */
function broadcast2(
  heap: FakeHeap,
  args: Args,
  name: string,
  read: 'f32' | 'i32',
  write: 'f32' | 'i32',
  fn: (a: number, b: number) => number,
): void {
  const n = int(args, 3);
  const d = dimsOf(args, 5);
  const shape = field(d, 0);
  const sa = field(d, 1);
  const sb = field(d, 2);
  const a = heap[read](ptr(args, 0), extent(shape, sa), `${name} a`);
  const b = heap[read](ptr(args, 1), extent(shape, sb), `${name} b`);
  const y = heap[write](ptr(args, 2), n, `${name} y`);
  for (let i = 0; i < n; i++) y[i] = fn(a[stridedOffset(i, shape, sa)]!, b[stridedOffset(i, shape, sb)]!);
}

function reduceRow(op: number, row: ArrayLike<number>, isFloat: boolean): number {
  const n = row.length;
  switch (op) {
    case REDUCE_OP.sum:
    case REDUCE_OP.mean: {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += row[i]!;
      if (op === REDUCE_OP.sum) return sum;
      if (n === 0) return 0;
      return isFloat ? sum / n : Math.trunc(sum / n);
    }
    case REDUCE_OP.max:
    case REDUCE_OP.min: {
      if (n === 0) return isFloat ? Number.NaN : 0;
      let best = row[0]!;
      for (let i = 1; i < n; i++) {
        const v = row[i]!;
        if (Number.isNaN(v)) return Number.NaN;
        if (op === REDUCE_OP.max ? v > best : v < best) best = v;
      }
      return best;
    }
    case REDUCE_OP.prod: {
      let prod = 1;
      for (let i = 0; i < n; i++) prod *= row[i]!;
      return prod;
    }
    case REDUCE_OP.any: {
      for (let i = 0; i < n; i++) if (row[i] !== 0) return 1;
      return 0;
    }
    case REDUCE_OP.all: {
      for (let i = 0; i < n; i++) if (row[i] === 0) return 0;
      return 1;
    }
    default:
      throw new RangeError(`ner_reduce: unknown op ${op}`);
  }
}

function reduce(read: 'f32' | 'i32', name: string): FakeKernel {
  return (heap, args) => {
    const outer = int(args, 2);
    const inner = int(args, 3);
    const x = heap[read](ptr(args, 0), outer * inner, `${name} x`);
    const y = heap[read](ptr(args, 1), outer, `${name} y`);
    for (let o = 0; o < outer; o++) {
      y[o] = reduceRow(int(args, 4), x.subarray(o * inner, (o + 1) * inner), read === 'f32');
    }
  };
}

function softmaxRows(heap: FakeHeap, args: Args, log: boolean): void {
  const rows = int(args, 2);
  const cols = int(args, 3);
  const name = log ? 'ner_log_softmax_f32' : 'ner_softmax_f32';
  const x = heap.f32(ptr(args, 0), rows * cols, `${name} x`);
  const y = heap.f32(ptr(args, 1), rows * cols, `${name} y`);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < cols; c++) max = Math.max(max, x[base + c]!);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(x[base + c]! - max);
    const logSum = Math.log(sum);
    for (let c = 0; c < cols; c++) {
      const shifted = x[base + c]! - max;
      y[base + c] = log ? shifted - logSum : Math.exp(shifted) / sum;
    }
  }
}

/**
 * `ner_softmax_grad_f32` as the composite ops compute it on this device: products stored as
 * float32 (Multiply), their float64 sum stored as float32 (Sum), then Sub and Multiply.
 */
function softmaxGradRows(heap: FakeHeap, args: Args): void {
  const rows = int(args, 3);
  const cols = int(args, 4);
  const dy = heap.f32(ptr(args, 0), rows * cols, 'ner_softmax_grad_f32 dy');
  const y = heap.f32(ptr(args, 1), rows * cols, 'ner_softmax_grad_f32 y');
  const dx = heap.f32(ptr(args, 2), rows * cols, 'ner_softmax_grad_f32 dx');
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.fround(dy[base + c]! * y[base + c]!);
    const s = Math.fround(sum);
    for (let c = 0; c < cols; c++) dx[base + c] = y[base + c]! * Math.fround(dy[base + c]! - s);
  }
}

const normalCdf = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));
const normalPdf = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

export const FAKE_KERNELS: Readonly<Record<keyof typeof KERNEL_ABI & string, FakeKernel>> = {
  ner_unary_f32: (heap, args) => {
    const n = int(args, 2);
    const x = heap.f32(ptr(args, 0), n, 'ner_unary_f32 x');
    const y = heap.f32(ptr(args, 1), n, 'ner_unary_f32 y');
    const op = int(args, 3);
    const alpha = float(args, 4);
    for (let i = 0; i < n; i++) y[i] = unaryOp(op, x[i]!, alpha);
  },
  ner_binary_f32: (heap, args) =>
    broadcast2(heap, args, 'ner_binary_f32', 'f32', 'f32', (a, b) => binaryOp(int(args, 4), a, b)),
  ner_binary_i32: (heap, args) =>
    broadcast2(heap, args, 'ner_binary_i32', 'i32', 'i32', (a, b) => binaryI32(int(args, 4), a, b)),
  ner_compare_f32: (heap, args) =>
    broadcast2(heap, args, 'ner_compare_f32', 'f32', 'i32', (a, b) => compareOp(int(args, 4), a, b)),
  ner_compare_i32: (heap, args) =>
    broadcast2(heap, args, 'ner_compare_i32', 'i32', 'i32', (a, b) => compareOp(int(args, 4), a, b)),
  ner_select_f32: (heap, args) => {
    const n = int(args, 4);
    const d = dimsOf(args, 5);
    const shape = field(d, 0);
    const [sc, sa, sb] = [field(d, 1), field(d, 2), field(d, 3)];
    const cond = heap.i32(ptr(args, 0), extent(shape, sc), 'ner_select_f32 cond');
    // 32-bit payload: copy bits through int32 views so int32 data survives unchanged.
    const a = heap.i32(ptr(args, 1), extent(shape, sa), 'ner_select_f32 a');
    const b = heap.i32(ptr(args, 2), extent(shape, sb), 'ner_select_f32 b');
    const y = heap.i32(ptr(args, 3), n, 'ner_select_f32 y');
    for (let i = 0; i < n; i++) {
      y[i] = cond[stridedOffset(i, shape, sc)]
        ? a[stridedOffset(i, shape, sa)]!
        : b[stridedOffset(i, shape, sb)]!;
    }
  },
  ner_cast: (heap, args) => {
    const n = int(args, 2);
    const from = int(args, 3);
    const to = int(args, 4);
    const x = from === 0 ? heap.f32(ptr(args, 0), n, 'ner_cast x') : heap.i32(ptr(args, 0), n, 'ner_cast x');
    const y = to === 0 ? heap.f32(ptr(args, 1), n, 'ner_cast y') : heap.i32(ptr(args, 1), n, 'ner_cast y');
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      y[i] = to === 2 ? (v !== 0 ? 1 : 0) : to === 1 ? Math.trunc(v) | 0 : v;
    }
  },
  ner_reduce_f32: reduce('f32', 'ner_reduce_f32'),
  ner_reduce_i32: reduce('i32', 'ner_reduce_i32'),
  ner_arg_reduce_f32: (heap, args) => {
    const outer = int(args, 2);
    const inner = int(args, 3);
    const isMin = int(args, 4) !== 0;
    const x = heap.f32(ptr(args, 0), outer * inner, 'ner_arg_reduce_f32 x');
    const y = heap.i32(ptr(args, 1), outer, 'ner_arg_reduce_f32 y');
    for (let o = 0; o < outer; o++) {
      let best = 0;
      for (let i = 1; i < inner; i++) {
        const v = x[o * inner + i]!;
        const b = x[o * inner + best]!;
        if (isMin ? v < b : v > b) best = i;
      }
      y[o] = best;
    }
  },
  ner_softmax_f32: (heap, args) => softmaxRows(heap, args, false),
  ner_log_softmax_f32: (heap, args) => softmaxRows(heap, args, true),
  ner_softmax_grad_f32: softmaxGradRows,
  ner_transpose_32: (heap, args) => {
    const n = int(args, 2);
    const d = dimsOf(args, 3);
    const shape = field(d, 0);
    const strides = field(d, 1);
    const x = heap.i32(ptr(args, 0), extent(shape, strides), 'ner_transpose_32 x');
    const y = heap.i32(ptr(args, 1), n, 'ner_transpose_32 y');
    for (let i = 0; i < n; i++) y[i] = x[stridedOffset(i, shape, strides)]!;
  },
  ner_gather_32: (heap, args) => {
    const [outer, numIdx, inner, axisDim] = [int(args, 3), int(args, 4), int(args, 5), int(args, 6)];
    const x = heap.i32(ptr(args, 0), outer * axisDim * inner, 'ner_gather_32 x');
    const idx = heap.i32(ptr(args, 1), numIdx, 'ner_gather_32 idx');
    const y = heap.i32(ptr(args, 2), outer * numIdx * inner, 'ner_gather_32 y');
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < numIdx; i++) {
        const at = idx[i]!;
        const dst = (o * numIdx + i) * inner;
        if (at < 0 || at >= axisDim) y.fill(0, dst, dst + inner);
        else y.set(x.subarray((o * axisDim + at) * inner, (o * axisDim + at + 1) * inner), dst);
      }
    }
  },
  ner_segment_sum_f32: (heap, args) => {
    const [rows, inner, numSegments] = [int(args, 3), int(args, 4), int(args, 5)];
    const x = heap.f32(ptr(args, 0), rows * inner, 'ner_segment_sum_f32 x');
    const seg = heap.i32(ptr(args, 1), rows, 'ner_segment_sum_f32 seg');
    const y = heap.f32(ptr(args, 2), numSegments * inner, 'ner_segment_sum_f32 y');
    for (let r = 0; r < rows; r++) {
      const s = seg[r]!;
      if (s < 0 || s >= numSegments) continue;
      for (let j = 0; j < inner; j++) y[s * inner + j] = y[s * inner + j]! + x[r * inner + j]!;
    }
  },
  ner_scatter_nd_f32: (heap, args) => {
    const [numUpdates, depth, sliceSize, outSize] = [int(args, 3), int(args, 4), int(args, 5), int(args, 6)];
    const strides = Array.from(dimsOf(args, 7).subarray(1, 1 + depth));
    const indices = heap.i32(ptr(args, 0), numUpdates * depth, 'ner_scatter_nd_f32 indices');
    const updates = heap.f32(ptr(args, 1), numUpdates * sliceSize, 'ner_scatter_nd_f32 updates');
    const y = heap.f32(ptr(args, 2), outSize, 'ner_scatter_nd_f32 y');
    for (let u = 0; u < numUpdates; u++) {
      let offset = 0;
      for (let k = 0; k < depth; k++) offset += indices[u * depth + k]! * strides[k]!;
      if (offset < 0 || offset + sliceSize > outSize) continue;
      for (let j = 0; j < sliceSize; j++) y[offset + j] = y[offset + j]! + updates[u * sliceSize + j]!;
    }
  },
  ner_pad_32: (heap, args) => {
    const n = int(args, 2);
    const value = uint(args, 3) | 0;
    const d = dimsOf(args, 4);
    const [outShape, inShape, before] = [field(d, 0), field(d, 1), field(d, 2)];
    const inSize = inShape.reduce((p, s) => p * s, 1);
    const x = heap.i32(ptr(args, 0), inSize, 'ner_pad_32 x');
    const y = heap.i32(ptr(args, 1), n, 'ner_pad_32 y');
    const rank = outShape.length;
    for (let i = 0; i < n; i++) {
      let rem = i;
      let src = 0;
      let stride = 1;
      let inside = true;
      for (let k = rank - 1; k >= 0; k--) {
        const c = (rem % outShape[k]!) - before[k]!;
        rem = Math.floor(rem / outShape[k]!);
        if (c < 0 || c >= inShape[k]!) inside = false;
        src += c * stride;
        stride *= inShape[k]!;
      }
      y[i] = inside ? x[src]! : value;
    }
  },
  ner_slice_32: (heap, args) => {
    const n = int(args, 2);
    const offset = int(args, 3);
    const d = dimsOf(args, 4);
    const shape = field(d, 0);
    const strides = field(d, 1);
    // Steps may be negative: check the lowest and highest element touched.
    let lo = offset;
    let hi = offset;
    if (n > 0) {
      for (let k = 0; k < shape.length; k++) {
        const span = (shape[k]! - 1) * strides[k]!;
        if (span < 0) lo += span;
        else hi += span;
      }
    }
    const x = heap.i32(ptr(args, 0) + BigInt(lo * 4), n > 0 ? hi - lo + 1 : 0, 'ner_slice_32 x');
    const y = heap.i32(ptr(args, 1), n, 'ner_slice_32 y');
    for (let i = 0; i < n; i++) y[i] = x[offset - lo + stridedOffset(i, shape, strides)]!;
  },
  ner_copy_2d_32: (heap, args) => {
    const [rows, cols, srcStride, dstStride, dstOffset] = [2, 3, 4, 5, 6].map((i) => int(args, i)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    if (rows === 0 || cols === 0) return;
    const src = heap.i32(ptr(args, 0), (rows - 1) * srcStride + cols, 'ner_copy_2d_32 src');
    const dst = heap.i32(ptr(args, 1), dstOffset + (rows - 1) * dstStride + cols, 'ner_copy_2d_32 dst');
    for (let r = 0; r < rows; r++) {
      dst.set(src.subarray(r * srcStride, r * srcStride + cols), dstOffset + r * dstStride);
    }
  },
  ner_one_hot_f32: (heap, args) => {
    const [n, depth] = [int(args, 2), int(args, 3)];
    const [on, off] = [float(args, 4), float(args, 5)];
    const idx = heap.i32(ptr(args, 0), n, 'ner_one_hot_f32 idx');
    const y = heap.f32(ptr(args, 1), n * depth, 'ner_one_hot_f32 y');
    for (let i = 0; i < n; i++) for (let j = 0; j < depth; j++) y[i * depth + j] = idx[i] === j ? on : off;
  },
  ner_range_f32: (heap, args) => {
    const n = int(args, 1);
    const y = heap.f32(ptr(args, 0), n, 'ner_range_f32 y');
    const [start, delta] = [float(args, 2), float(args, 3)];
    for (let i = 0; i < n; i++) y[i] = start + i * delta;
  },
  ner_random_uniform_f32: (heap, args) => {
    const n = int(args, 1);
    const [seedLo, seedHi, offset] = [uint(args, 2), uint(args, 3), uint(args, 4)];
    const [low, high] = [float(args, 5), float(args, 6)];
    const y = heap.f32(ptr(args, 0), n, 'ner_random_uniform_f32 y');
    for (let i = 0; i < n; i += 4) {
      // The counter block offset + i/4 is 64-bit: low word, high word, 0, 0 (as src/cu/random.cu).
      const counter = offset + i / 4;
      const bits = philox4x32([counter >>> 0, Math.floor(counter / 2 ** 32) >>> 0, 0, 0], seedLo, seedHi);
      for (let j = 0; j < 4 && i + j < n; j++) y[i + j] = low + f32(high - low) * uint32ToUnit(bits[j]!);
    }
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
  ner_dropout_f32: (heap, args) => {
    const n = int(args, 3);
    const [seedLo, seedHi, offset] = [uint(args, 4), uint(args, 5), uint(args, 6)];
    // Float32 kernel arguments, as the device reads them.
    const [rate, scale] = [f32(float(args, 7)), f32(float(args, 8))];
    const x = heap.f32(ptr(args, 0), n, 'ner_dropout_f32 x');
    const y = heap.f32(ptr(args, 1), n, 'ner_dropout_f32 y');
    const mask = heap.f32(ptr(args, 2), n, 'ner_dropout_f32 mask');
    for (let i = 0; i < n; i += 4) {
      // ner_random_uniform_f32's draw with low 0, high 1 (the same counter blocks and key).
      const counter = offset + i / 4;
      const bits = philox4x32([counter >>> 0, Math.floor(counter / 2 ** 32) >>> 0, 0, 0], seedLo, seedHi);
      for (let j = 0; j < 4 && i + j < n; j++) {
        const m = uint32ToUnit(bits[j]!) >= rate ? scale : 0;
        mask[i + j] = m;
        // Two float32 values: the double product rounds once to float32 on the store.
        y[i + j] = x[i + j]! * m;
      }
    }
  },
  ner_layer_norm_f32: (heap, args) => {
    const [rows, cols] = [int(args, 6), int(args, 7)];
    const eps = float(args, 8);
    const x = heap.f32(ptr(args, 0), rows * cols, 'ner_layer_norm_f32 x');
    const gamma = heap.f32(ptr(args, 1), cols, 'ner_layer_norm_f32 gamma');
    const beta = heap.f32(ptr(args, 2), cols, 'ner_layer_norm_f32 beta');
    const y = heap.f32(ptr(args, 3), rows * cols, 'ner_layer_norm_f32 y');
    const mean = heap.f32(ptr(args, 4), rows, 'ner_layer_norm_f32 mean');
    const rstd = heap.f32(ptr(args, 5), rows, 'ner_layer_norm_f32 rstd');
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      let sum = 0;
      for (let c = 0; c < cols; c++) sum += x[base + c]!;
      const mu = sum / cols;
      let sq = 0;
      for (let c = 0; c < cols; c++) sq += (x[base + c]! - mu) ** 2;
      const inv = 1 / Math.sqrt(sq / cols + eps);
      mean[r] = mu;
      rstd[r] = inv;
      for (let c = 0; c < cols; c++) y[base + c] = (x[base + c]! - mu) * inv * gamma[c]! + beta[c]!;
    }
  },
  ner_layer_norm_grad_f32: (heap, args) => {
    const [rows, cols] = [int(args, 8), int(args, 9)];
    const name = 'ner_layer_norm_grad_f32';
    const dy = heap.f32(ptr(args, 0), rows * cols, `${name} dy`);
    const x = heap.f32(ptr(args, 1), rows * cols, `${name} x`);
    const gamma = heap.f32(ptr(args, 2), cols, `${name} gamma`);
    const mean = heap.f32(ptr(args, 3), rows, `${name} mean`);
    const rstd = heap.f32(ptr(args, 4), rows, `${name} rstd`);
    const dx = heap.f32(ptr(args, 5), rows * cols, `${name} dx`);
    const dgamma = heap.f32(ptr(args, 6), cols, `${name} dgamma`);
    const dbeta = heap.f32(ptr(args, 7), cols, `${name} dbeta`);
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      const mu = mean[r]!;
      const inv = rstd[r]!;
      let sumG = 0;
      let sumGX = 0;
      for (let c = 0; c < cols; c++) {
        const xhat = (x[base + c]! - mu) * inv;
        const g = dy[base + c]! * gamma[c]!;
        sumG += g;
        sumGX += g * xhat;
        dgamma[c] = dgamma[c]! + dy[base + c]! * xhat;
        dbeta[c] = dbeta[c]! + dy[base + c]!;
      }
      for (let c = 0; c < cols; c++) {
        const xhat = (x[base + c]! - mu) * inv;
        const g = dy[base + c]! * gamma[c]!;
        dx[base + c] = inv * (g - sumG / cols - (xhat * sumGX) / cols);
      }
    }
  },
  ner_gelu_erf_f32: (heap, args) => {
    const n = int(args, 2);
    const x = heap.f32(ptr(args, 0), n, 'ner_gelu_erf_f32 x');
    const y = heap.f32(ptr(args, 1), n, 'ner_gelu_erf_f32 y');
    for (let i = 0; i < n; i++) y[i] = x[i]! * normalCdf(x[i]!);
  },
  ner_gelu_erf_grad_f32: (heap, args) => {
    const n = int(args, 3);
    const dy = heap.f32(ptr(args, 0), n, 'ner_gelu_erf_grad_f32 dy');
    const x = heap.f32(ptr(args, 1), n, 'ner_gelu_erf_grad_f32 x');
    const dx = heap.f32(ptr(args, 2), n, 'ner_gelu_erf_grad_f32 dx');
    for (let i = 0; i < n; i++) dx[i] = dy[i]! * (normalCdf(x[i]!) + x[i]! * normalPdf(x[i]!));
  },
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
  ner_cast_f32_bf16: (heap, args) => {
    const n = int(args, 2);
    const x = heap.f32(ptr(args, 0), n, 'ner_cast_f32_bf16 x');
    const y = heap.u16(ptr(args, 1), n, 'ner_cast_f32_bf16 y');
    // roundToBf16's bits (tools/kernel-contract): its float32 result's high half is the bf16.
    const rounded = new Uint32Array(roundToBf16(x).buffer);
    for (let i = 0; i < n; i++) y[i] = rounded[i]! >>> 16;
  },
  ner_bias_add_f32: (heap, args) => {
    const [rows, cols] = [int(args, 3), int(args, 4)];
    const x = heap.f32(ptr(args, 0), rows * cols, 'ner_bias_add_f32 x');
    const bias = heap.f32(ptr(args, 1), cols, 'ner_bias_add_f32 bias');
    const y = heap.f32(ptr(args, 2), rows * cols, 'ner_bias_add_f32 y');
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) y[r * cols + c] = x[r * cols + c]! + bias[c]!;
  },
};
