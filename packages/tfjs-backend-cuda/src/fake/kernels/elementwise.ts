/**
 * The fake device's elementwise kernels (src/cu/elementwise.cu): unary, broadcasting binary and
 * compare ops, select, casts (float32 to bf16 too), the erf GELU and its gradient, bias add,
 * one-hot and range.
 */
import {
  type Args,
  dimsOf,
  extent,
  f32,
  type FakeKernel,
  field,
  float,
  int,
  type KernelName,
  ptr,
  stridedOffset,
} from './args.js';
import { BINARY_OP, COMPARE_OP, UNARY_OP } from '../../kernel-abi.js';
import type { FakeHeap } from '../heap.js';
import { erf, roundHalfEven } from '../math.js';
import { roundToBf16 } from '../../../../../tools/kernel-contract/index.js';

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

const normalCdf = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));

const normalPdf = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

export const ELEMENTWISE_KERNELS = {
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
  ner_cast_f32_bf16: (heap, args) => {
    const n = int(args, 2);
    const x = heap.f32(ptr(args, 0), n, 'ner_cast_f32_bf16 x');
    const y = heap.u16(ptr(args, 1), n, 'ner_cast_f32_bf16 y');
    // roundToBf16's bits (tools/kernel-contract): its float32 result's high half is the bf16.
    const rounded = new Uint32Array(roundToBf16(x).buffer);
    for (let i = 0; i < n; i++) y[i] = rounded[i]! >>> 16;
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
  ner_bias_add_f32: (heap, args) => {
    const [rows, cols] = [int(args, 3), int(args, 4)];
    const x = heap.f32(ptr(args, 0), rows * cols, 'ner_bias_add_f32 x');
    const bias = heap.f32(ptr(args, 1), cols, 'ner_bias_add_f32 bias');
    const y = heap.f32(ptr(args, 2), rows * cols, 'ner_bias_add_f32 y');
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < cols; c++) y[r * cols + c] = x[r * cols + c]! + bias[c]!;
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
} satisfies Partial<Record<KernelName, FakeKernel>>;
