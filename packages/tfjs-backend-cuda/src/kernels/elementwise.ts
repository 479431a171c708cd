/**
 * Elementwise kernels: unary float32 ops, binary ops and comparisons with numpy broadcasting
 * (strides of 0 on broadcast axes, adjacent axes merged), logical ops, Select.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CudaBackend } from '../backend.js';
import type { CudaKernelArgs } from '../fallback.js';
import { BINARY_OP, COMPARE_OP, UNARY_OP } from '../kernel-abi.js';
import { defineKernel, fallback } from './registry.js';
import { broadcastStrides, collapseAxes, fitsDims, i32Args, nerDims, ptrArgs, sizeOf } from './util.js';

/** tfjs kernel name -> unary op code (float32 in, float32 out). */
export const UNARY_KERNELS: Readonly<Record<string, number>> = {
  [tf.Neg]: UNARY_OP.neg,
  [tf.Exp]: UNARY_OP.exp,
  [tf.Log]: UNARY_OP.log,
  [tf.Sqrt]: UNARY_OP.sqrt,
  [tf.Rsqrt]: UNARY_OP.rsqrt,
  [tf.Square]: UNARY_OP.square,
  [tf.Abs]: UNARY_OP.abs,
  [tf.Tanh]: UNARY_OP.tanh,
  [tf.Sigmoid]: UNARY_OP.sigmoid,
  [tf.Relu]: UNARY_OP.relu,
  [tf.Erf]: UNARY_OP.erf,
  [tf.Reciprocal]: UNARY_OP.reciprocal,
  [tf.Sign]: UNARY_OP.sign,
  [tf.Log1p]: UNARY_OP.log1p,
  [tf.Expm1]: UNARY_OP.expm1,
  [tf.Floor]: UNARY_OP.floor,
  [tf.Ceil]: UNARY_OP.ceil,
  [tf.Round]: UNARY_OP.round,
  [tf.Sin]: UNARY_OP.sin,
  [tf.Cos]: UNARY_OP.cos,
  [tf.Softplus]: UNARY_OP.softplus,
  [tf.Elu]: UNARY_OP.elu,
  [tf.Step]: UNARY_OP.step,
  [tf.IsNan]: UNARY_OP.isNaN,
  [tf.IsFinite]: UNARY_OP.isFinite,
  [tf.IsInf]: UNARY_OP.isInf,
};

/** Unary ops whose output is bool (0/1 written as float, then cast). */
const PREDICATES = new Set<string>([tf.IsNan, tf.IsFinite, tf.IsInf]);

/** tfjs kernel name -> binary op code. */
export const BINARY_KERNELS: Readonly<Record<string, number>> = {
  [tf.Add]: BINARY_OP.add,
  [tf.Sub]: BINARY_OP.sub,
  [tf.Multiply]: BINARY_OP.mul,
  [tf.RealDiv]: BINARY_OP.realDiv,
  [tf.Maximum]: BINARY_OP.maximum,
  [tf.Minimum]: BINARY_OP.minimum,
  [tf.Pow]: BINARY_OP.pow,
  [tf.SquaredDifference]: BINARY_OP.squaredDifference,
  [tf.FloorDiv]: BINARY_OP.floorDiv,
  [tf.Mod]: BINARY_OP.mod,
  [tf.Atan2]: BINARY_OP.atan2,
};

/** Binary ops with an int32 device version (the rest of int32 falls back). */
const INT_BINARY = new Set<number>([
  BINARY_OP.add,
  BINARY_OP.sub,
  BINARY_OP.mul,
  BINARY_OP.maximum,
  BINARY_OP.minimum,
  BINARY_OP.floorDiv,
  BINARY_OP.mod,
]);

export const COMPARE_KERNELS: Readonly<Record<string, number>> = {
  [tf.Equal]: COMPARE_OP.equal,
  [tf.NotEqual]: COMPARE_OP.notEqual,
  [tf.Less]: COMPARE_OP.less,
  [tf.LessEqual]: COMPARE_OP.lessEqual,
  [tf.Greater]: COMPARE_OP.greater,
  [tf.GreaterEqual]: COMPARE_OP.greaterEqual,
};

/** y = op(x) on float32 (alpha for Elu-style slopes). */
export function unaryF32(backend: CudaBackend, x: tf.TensorInfo, op: number, alpha = 0): tf.TensorInfo {
  const y = backend.makeOutput(x.shape, 'float32');
  const n = sizeOf(x.shape);
  if (n > 0) {
    backend.launch('ner_unary_f32', n, [...ptrArgs(backend, x, y), ...i32Args(n, op), { f32: alpha }]);
  }
  return y;
}

/**
 * Launches a two-input broadcasting kernel (`ner_binary_*`, `ner_compare_*`) into a new output
 * of `outDtype`; null when the broadcast shape does not fit 6 axes after merging.
 */
export function broadcastBinary(
  backend: CudaBackend,
  kernel: string,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  op: number,
  outDtype: tf.DataType,
): tf.TensorInfo | null {
  const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const merged = collapseAxes(outShape, [
    broadcastStrides(a.shape, outShape),
    broadcastStrides(b.shape, outShape),
  ]);
  if (!fitsDims(merged.shape)) return null;
  const y = backend.makeOutput(outShape, outDtype);
  const n = sizeOf(outShape);
  if (n > 0) {
    backend.launch(kernel, n, [
      ...ptrArgs(backend, a, b, y),
      ...i32Args(n, op),
      { dims: nerDims(merged.shape.length, merged.shape, merged.strides[0]!, merged.strides[1]!) },
    ]);
  }
  return y;
}

function unaryKernel(name: string, op: number) {
  return (args: CudaKernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype !== 'float32') return fallback(name, args, `${x.dtype} input`);
    // Elu's slope is 1 in tfjs; Step takes the value for x <= 0 as its alpha attribute.
    const alpha =
      name === tf.Elu ? 1 : name === tf.Step ? ((args.attrs?.alpha as number | undefined) ?? 0) : 0;
    const y = unaryF32(args.backend, x, op, alpha);
    if (!PREDICATES.has(name)) return y;
    const out = castWords(args.backend, y, 'bool');
    args.backend.disposeIntermediateTensorInfo(y);
    return out;
  };
}

/** ner_cast into a new tensor (float32 / int32 / bool words). */
export function castWords(backend: CudaBackend, x: tf.TensorInfo, dtype: tf.DataType): tf.TensorInfo {
  const code = { float32: 0, int32: 1, bool: 2 } as Record<string, number>;
  const y = backend.makeOutput(x.shape, dtype);
  const n = sizeOf(x.shape);
  if (n > 0) {
    backend.launch('ner_cast', n, [...ptrArgs(backend, x, y), ...i32Args(n, code[x.dtype]!, code[dtype]!)]);
  }
  return y;
}

function binaryKernel(name: string, op: number) {
  return (args: CudaKernelArgs) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (a.dtype !== b.dtype) return fallback(name, args, `dtypes ${a.dtype} and ${b.dtype}`);
    let result: tf.TensorInfo | null = null;
    if (a.dtype === 'float32') {
      result = broadcastBinary(args.backend, 'ner_binary_f32', a, b, op, 'float32');
      // tfjs' FloorDiv of floats is int32.
      if (result && name === tf.FloorDiv) {
        const floored = castWords(args.backend, result, 'int32');
        args.backend.disposeIntermediateTensorInfo(result);
        result = floored;
      }
    } else if (a.dtype === 'int32' && INT_BINARY.has(op))
      result = broadcastBinary(args.backend, 'ner_binary_i32', a, b, op, 'int32');
    else return fallback(name, args, `${a.dtype} inputs`);
    return result ?? fallback(name, args, 'broadcast shape of more than 6 axes');
  };
}

function compareKernel(name: string, op: number) {
  return (args: CudaKernelArgs) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (a.dtype !== b.dtype || a.dtype === 'string') return fallback(name, args, `${a.dtype} / ${b.dtype}`);
    const kernel = a.dtype === 'float32' ? 'ner_compare_f32' : 'ner_compare_i32';
    return (
      broadcastBinary(args.backend, kernel, a, b, op, 'bool') ??
      fallback(name, args, 'broadcast shape of more than 6 axes')
    );
  };
}

function logicalKernel(name: string, op: number) {
  return (args: CudaKernelArgs) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    if (a.dtype !== 'bool' || b.dtype !== 'bool') return fallback(name, args, `${a.dtype} / ${b.dtype}`);
    return (
      broadcastBinary(args.backend, 'ner_binary_i32', a, b, op, 'bool') ??
      fallback(name, args, 'broadcast shape of more than 6 axes')
    );
  };
}

for (const [name, op] of Object.entries(UNARY_KERNELS)) defineKernel(name, unaryKernel(name, op));
for (const [name, op] of Object.entries(BINARY_KERNELS)) defineKernel(name, binaryKernel(name, op));
for (const [name, op] of Object.entries(COMPARE_KERNELS)) defineKernel(name, compareKernel(name, op));
defineKernel(tf.LogicalAnd, logicalKernel(tf.LogicalAnd, BINARY_OP.logicalAnd));
defineKernel(tf.LogicalOr, logicalKernel(tf.LogicalOr, BINARY_OP.logicalOr));

defineKernel(tf.LogicalNot, (args) => {
  const x = args.inputs.x as tf.TensorInfo;
  if (x.dtype !== 'bool') return fallback(tf.LogicalNot, args, `${x.dtype} input`);
  const zero = args.backend.makeTensorInfo([], 'bool', new Uint8Array(1));
  try {
    return (
      broadcastBinary(args.backend, 'ner_compare_i32', x, zero, COMPARE_OP.equal, 'bool') ??
      fallback(tf.LogicalNot, args, 'rank above 6')
    );
  } finally {
    args.backend.disposeIntermediateTensorInfo(zero);
  }
});

defineKernel(tf.Select, (args) => {
  const { condition, t, e } = args.inputs as { condition: tf.TensorInfo; t: tf.TensorInfo; e: tf.TensorInfo };
  const backend = args.backend;
  if (t.dtype !== e.dtype || t.dtype === 'string') return fallback(tf.Select, args, `${t.dtype} values`);
  const outShape = tf.backend_util.assertAndGetBroadcastShape(t.shape, e.shape);
  // tfjs' Select takes a condition of the values' shape, or of rank 1 matching their first axis.
  let conditionShape: readonly number[] = condition.shape;
  if (condition.shape.length === 1 && outShape.length > 1 && condition.shape[0] === outShape[0]) {
    conditionShape = [condition.shape[0]!, ...new Array<number>(outShape.length - 1).fill(1)];
  }
  let merged: { shape: number[]; strides: number[][] };
  try {
    tf.backend_util.assertAndGetBroadcastShape([...conditionShape], outShape);
    merged = collapseAxes(outShape, [
      broadcastStrides(conditionShape, outShape),
      broadcastStrides(t.shape, outShape),
      broadcastStrides(e.shape, outShape),
    ]);
  } catch {
    return fallback(tf.Select, args, `condition [${condition.shape}] against [${outShape}]`);
  }
  if (!fitsDims(merged.shape)) return fallback(tf.Select, args, 'rank above 6');
  const y = backend.makeOutput(outShape, t.dtype);
  const n = sizeOf(outShape);
  if (n > 0) {
    backend.launch('ner_select_f32', n, [
      ...ptrArgs(backend, condition, t, e, y),
      { i32: n },
      {
        dims: nerDims(
          merged.shape.length,
          merged.shape,
          merged.strides[0]!,
          merged.strides[1]!,
          merged.strides[2]!,
        ),
      },
    ]);
  }
  return y;
});
