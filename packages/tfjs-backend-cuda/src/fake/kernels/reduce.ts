/**
 * The fake device's row kernels (src/cu/reduce.cu): reductions, arg-reductions, softmax and its
 * gradient, and the fused LayerNorm and its gradient.
 */
import { type Args, type FakeKernel, float, int, type KernelName, ptr } from './args.js';
import { REDUCE_OP } from '../../kernel-abi.js';
import type { FakeHeap } from '../heap.js';

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

export const REDUCE_KERNELS = {
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
} satisfies Partial<Record<KernelName, FakeKernel>>;
