/**
 * Kernels that move or make data without arithmetic: Reshape / ExpandDims / Identity
 * (shared data, no copy), Cast, Concat, Pack, Slice, StridedSlice, PadV2, Tile, Fill,
 * ZerosLike / OnesLike, OneHot, Range.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CudaBackend } from '../backend.js';
import type { CudaKernelArgs } from '../fallback.js';
import { castWords } from './elementwise.js';
import { defineKernel, fallback } from './registry.js';
import { contiguousStrides, fitsDims, i32Args, nerDims, ptrArgs, sizeOf } from './util.js';

/** A float32 value's bits as uint32, or an int32 / bool value as its two's complement. */
function wordBits(value: number, dtype: tf.DataType): number {
  if (dtype === 'float32') return new Uint32Array(new Float32Array([value]).buffer)[0]!;
  return (dtype === 'bool' ? (value ? 1 : 0) : value | 0) >>> 0;
}

/** A new tensor of `shape` filled with `value`. */
export function filled(backend: CudaBackend, shape: readonly number[], dtype: tf.DataType, value: number) {
  const y = backend.makeOutput(shape, dtype);
  const n = sizeOf(shape);
  if (n > 0) backend.device.fill32(backend.ptrOf(y), wordBits(value, dtype) | 0, n);
  return y;
}

defineKernel(tf.Reshape, (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  const { shape } = args.attrs as { shape: number[] };
  const size = sizeOf(x.shape);
  const outShape = tf.util.inferFromImplicitShape(shape, size);
  if (sizeOf(outShape) !== size) {
    throw new Error(
      `The new shape (${outShape}) has ${sizeOf(outShape)} elements and the old shape (${x.shape}) has ${size} elements.`,
    );
  }
  return args.backend.share(x, outShape);
});

defineKernel(tf.ExpandDims, (args) => {
  const input = args.inputs.input as tf.TensorInfo;
  const { dim } = args.attrs as { dim: number };
  const rank = input.shape.length;
  const axis = dim < 0 ? dim + rank + 1 : dim;
  const shape = [...input.shape];
  shape.splice(axis, 0, 1);
  return args.backend.share(input, shape);
});

defineKernel(tf.Identity, (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  return args.backend.share(x, x.shape);
});

defineKernel(tf.Cast, (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  const { dtype } = args.attrs as { dtype: tf.DataType };
  if (x.dtype === dtype) return args.backend.share(x, x.shape);
  const words = new Set(['float32', 'int32', 'bool']);
  if (!words.has(x.dtype) || !words.has(dtype)) return fallback(tf.Cast, args, `${x.dtype} to ${dtype}`);
  return castWords(args.backend, x, dtype);
});

defineKernel(tf.Fill, (args) => {
  const { shape, value, dtype } = args.attrs as { shape: number[]; value: number; dtype?: tf.DataType };
  const outDtype = dtype ?? (typeof value === 'number' ? 'float32' : 'string');
  if (outDtype === 'string') return fallback(tf.Fill, args, 'string value');
  return filled(args.backend, shape, outDtype, value);
});

function likeKernel(name: string, value: number) {
  return (args: CudaKernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string' || x.dtype === 'complex64') return fallback(name, args, `${x.dtype} input`);
    return filled(args.backend, x.shape, x.dtype, value);
  };
}
defineKernel(tf.ZerosLike, likeKernel(tf.ZerosLike, 0));
defineKernel(tf.OnesLike, likeKernel(tf.OnesLike, 1));

defineKernel(tf.OneHot, (args) => {
  const indices = args.inputs.indices as tf.TensorInfo;
  const { depth, onValue, offValue, dtype } = args.attrs as {
    depth: number;
    onValue: number;
    offValue: number;
    dtype: tf.DataType;
  };
  if (indices.dtype !== 'int32' || !['float32', 'int32', undefined].includes(dtype)) {
    return fallback(tf.OneHot, args, `${indices.dtype} indices, ${dtype} output`);
  }
  const n = sizeOf(indices.shape);
  const y = args.backend.makeOutput([...indices.shape, depth], 'float32');
  if (n * depth > 0) {
    args.backend.launch('ner_one_hot_f32', n * depth, [
      ...ptrArgs(args.backend, indices, y),
      ...i32Args(n, depth),
      { f32: onValue },
      { f32: offValue },
    ]);
  }
  if (dtype !== 'int32') return y;
  // tfjs' default one-hot dtype is int32: written as floats (exact for on/off values), then cast.
  const out = castWords(args.backend, y, 'int32');
  args.backend.disposeIntermediateTensorInfo(y);
  return out;
});

defineKernel(tf.Range, (args) => {
  const { start, stop, step, dtype } = args.attrs as {
    start: number;
    stop: number;
    step: number;
    dtype: string;
  };
  if (dtype !== 'float32') return fallback(tf.Range, args, `${dtype} range`);
  const empty = start === stop || (start < stop && step < 0) || (stop < start && step > 1);
  const n = empty ? 0 : Math.abs(Math.ceil((stop - start) / step));
  const delta = stop < start && step === 1 ? -1 : step;
  const y = args.backend.makeOutput([n], 'float32');
  if (n > 0) {
    args.backend.launch('ner_range_f32', n, [
      { ptr: args.backend.ptrOf(y) },
      { i32: n },
      { f32: start },
      { f32: delta },
    ]);
  }
  return y;
});

/** A strided window of x (`ner_slice_32`): begin corner, output shape, step per axis. */
function sliceWords(
  backend: CudaBackend,
  x: tf.TensorInfo,
  begin: readonly number[],
  size: readonly number[],
  steps: readonly number[],
): tf.TensorInfo | null {
  if (!fitsDims(size)) return null;
  const strides = contiguousStrides(x.shape);
  const y = backend.makeOutput(size, x.dtype);
  const n = sizeOf(size);
  if (n > 0) {
    const offset = begin.reduce((sum, b, k) => sum + b * strides[k]!, 0);
    backend.launch('ner_slice_32', n, [
      ...ptrArgs(backend, x, y),
      ...i32Args(n, offset),
      {
        dims: nerDims(
          size.length,
          size,
          strides.map((s, k) => s * steps[k]!),
        ),
      },
    ]);
  }
  return y;
}

defineKernel(tf.Slice, (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
  if (x.dtype === 'string') return fallback(tf.Slice, args, 'string input');
  const [$begin, $size] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size) as [number[], number[]];
  tf.slice_util.assertParamsValid(x as tf.Tensor, $begin, $size);
  if (x.shape.length === 0) return args.backend.share(x, x.shape);
  return (
    sliceWords(
      args.backend,
      x,
      $begin,
      $size,
      $size.map(() => 1),
    ) ?? fallback(tf.Slice, args, 'rank above 6')
  );
});

defineKernel(tf.StridedSlice, (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  const a = args.attrs as {
    begin: number[];
    end: number[];
    strides: number[];
    beginMask: number;
    endMask: number;
    ellipsisMask: number;
    newAxisMask: number;
    shrinkAxisMask: number;
  };
  if (x.dtype === 'string') return fallback(tf.StridedSlice, args, 'string input');
  const info = tf.slice_util.sliceInfo(
    x.shape,
    a.begin,
    a.end,
    a.strides,
    a.beginMask,
    a.endMask,
    a.ellipsisMask,
    a.newAxisMask,
    a.shrinkAxisMask,
  );
  if (info.isIdentity) return args.backend.share(x, info.finalShape);
  // The window in the input's axes (finalShapeSparse drops shrunk axes), then the final shape.
  const size = tf.slice_util.computeOutShape(info.begin, info.end, info.strides);
  const sliced = sliceWords(args.backend, x, info.begin, size, info.strides);
  if (!sliced) return fallback(tf.StridedSlice, args, 'rank above 6');
  const out = args.backend.share(sliced, info.finalShape);
  args.backend.disposeIntermediateTensorInfo(sliced);
  return out;
});

defineKernel(tf.PadV2, (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  const { paddings, constantValue } = args.attrs as { paddings: [number, number][]; constantValue: number };
  if (x.dtype === 'string' || !fitsDims(x.shape) || paddings.some(([p, q]) => p < 0 || q < 0)) {
    return fallback(tf.PadV2, args, 'string, rank above 6 or negative padding');
  }
  const outShape = x.shape.map((dim, k) => paddings[k]![0] + dim + paddings[k]![1]);
  const y = args.backend.makeOutput(outShape, x.dtype);
  const n = sizeOf(outShape);
  if (n > 0) {
    const rank = x.shape.length;
    args.backend.launch('ner_pad_32', n, [
      ...ptrArgs(args.backend, x, y),
      { i32: n },
      { u32: wordBits(constantValue, x.dtype) },
      {
        dims: nerDims(
          rank,
          outShape,
          x.shape,
          paddings.map(([before]) => before),
        ),
      },
    ]);
  }
  return y;
});

/** Concatenation along `axis` as rows x cols copies, one `ner_copy_2d_32` per input. */
function concatWords(
  backend: CudaBackend,
  inputs: readonly tf.TensorInfo[],
  axis: number,
  outShape: number[],
) {
  const dtype = inputs[0]!.dtype;
  const y = backend.makeOutput(outShape, dtype);
  const rows = sizeOf(outShape.slice(0, axis));
  const outCols = sizeOf(outShape.slice(axis));
  let offset = 0;
  for (const t of inputs) {
    const cols = sizeOf(t.shape.slice(axis));
    if (rows > 0 && cols > 0) {
      backend.launch('ner_copy_2d_32', rows * cols, [
        ...ptrArgs(backend, t, y),
        ...i32Args(rows, cols, cols, outCols, offset),
      ]);
    }
    offset += cols;
  }
  return y;
}

defineKernel(tf.Concat, (args) => {
  const inputs = Object.values(args.inputs) as tf.TensorInfo[];
  const { axis } = args.attrs as { axis: number | number[] };
  const dtypes = new Set(inputs.map((t) => t.dtype));
  if (dtypes.size !== 1 || dtypes.has('string') || dtypes.has('complex64')) {
    return fallback(tf.Concat, args, `dtypes ${[...dtypes]}`);
  }
  const $axis = tf.util.parseAxisParam(axis, inputs[0]!.shape)[0]!;
  tf.backend_util.assertParamsConsistent(
    inputs.map((t) => t.shape),
    $axis,
  );
  const outShape = tf.backend_util.computeOutShape(
    inputs.map((t) => t.shape),
    $axis,
  );
  const nonEmpty = inputs.filter((t) => sizeOf(t.shape) > 0);
  if (nonEmpty.length === 1) return args.backend.share(nonEmpty[0]!, outShape);
  return concatWords(args.backend, inputs, $axis, outShape);
});

defineKernel(tf.Pack, (args) => {
  const inputs = Object.values(args.inputs) as tf.TensorInfo[];
  const { axis } = args.attrs as { axis: number };
  const first = inputs[0]!;
  const dtypes = new Set(inputs.map((t) => t.dtype));
  if (dtypes.size !== 1 || dtypes.has('string')) return fallback(tf.Pack, args, `dtypes ${[...dtypes]}`);
  const rank = first.shape.length;
  const $axis = axis < 0 ? axis + rank + 1 : axis;
  const expanded = inputs.map((t) => {
    const shape = [...t.shape];
    shape.splice($axis, 0, 1);
    return { ...t, shape };
  });
  const outShape = [...first.shape];
  outShape.splice($axis, 0, inputs.length);
  return concatWords(args.backend, expanded, $axis, outShape);
});

defineKernel(tf.Tile, (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  const { reps } = args.attrs as { reps: number[] };
  if (x.dtype === 'string' || !fitsDims(x.shape)) return fallback(tf.Tile, args, 'string or rank above 6');
  // Tile = read x with each output coordinate taken modulo the input's extent: a transpose-style
  // gather is not in the ABI, so tile axis by axis with concatenations.
  let current: tf.TensorInfo = x;
  let owned = false;
  for (let axis = 0; axis < reps.length; axis++) {
    const times = reps[axis]!;
    if (times === 1) continue;
    const outShape = [...current.shape];
    outShape[axis] = current.shape[axis]! * times;
    const next = concatWords(args.backend, new Array<tf.TensorInfo>(times).fill(current), axis, outShape);
    if (owned) args.backend.disposeIntermediateTensorInfo(current);
    current = next;
    owned = true;
  }
  return owned ? current : args.backend.share(x, x.shape);
});
