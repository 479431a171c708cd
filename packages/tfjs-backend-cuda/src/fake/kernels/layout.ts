/**
 * The fake device's layout kernels (src/cu/layout.cu): transpose, gather, segment sums, scatter,
 * pad, slice and 2-D copies.
 */
import {
  dimsOf,
  extent,
  type FakeKernel,
  field,
  int,
  type KernelName,
  ptr,
  stridedOffset,
  uint,
} from './args.js';

export const LAYOUT_KERNELS = {
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
} satisfies Partial<Record<KernelName, FakeKernel>>;
