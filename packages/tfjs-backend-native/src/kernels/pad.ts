/**
 * `PadV2` (the gradient of a slice, e.g. position embeddings) by contiguous rows:
 * the cpu kernel maps every element through index arithmetic in JS; here each input
 * row of the last axis is one `TypedArray.set` (a memcpy) into the filled output.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type KernelArgs, fallback, fourBytesOf, sizeOf } from './util.js';

export function padKernel(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { paddings, constantValue } = (args.attrs ?? {}) as {
    paddings: [number, number][];
    constantValue: number;
  };
  const values = fourBytesOf(args.backend, x);
  const rank = x.shape.length;
  if (!values || rank === 0 || paddings.length !== rank || values.length === 0)
    return fallback(tf.PadV2, args);
  const outShape = paddings.map(([before, after], d) => before + x.shape[d]! + after);
  const out =
    values instanceof Float32Array ? new Float32Array(sizeOf(outShape)) : new Int32Array(sizeOf(outShape));
  if (constantValue !== 0) out.fill(constantValue);
  const outStrides = new Array<number>(rank);
  let stride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    outStrides[d] = stride;
    stride *= outShape[d]!;
  }
  const width = x.shape[rank - 1]!;
  const rows = values.length / width;
  const idx = new Array<number>(rank - 1).fill(0);
  let base = 0;
  for (let d = 0; d < rank; d++) base += paddings[d]![0] * outStrides[d]!;
  let offset = base;
  for (let row = 0; row < rows; row++) {
    out.set(values.subarray(row * width, (row + 1) * width), offset);
    // Next input row: increment the outer index like an odometer, tracking the output offset.
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      offset += outStrides[d]!;
      if (idx[d]! < x.shape[d]!) break;
      offset -= outStrides[d]! * x.shape[d]!;
      idx[d] = 0;
    }
  }
  return args.backend.makeTensorInfo(outShape, x.dtype, out);
}
