/**
 * `BatchMatMul` and `_FusedMatMul` on the addon's gemm (its AVX-512 panel kernel where the CPU
 * has AVX-512F, else OpenBLAS `cblas_sgemm`), reading the inputs in place; under bf16 autocast
 * on its `gemmBf16` (operands rounded to bfloat16, fp32 accumulation). Batch dimensions
 * broadcast as in tfjs (and numpy): each output batch gets the offsets of its `a` and `b` matrices.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  type AutocastDtype,
  batchOffsets,
  fusedMatMulArgs,
  isAutocastBackend,
  matMulShapes,
} from '../../../../tools/kernel-contract/index.js';
import { requireAddon } from '../addon.js';
import { binaryKernel, unaryKernel } from './elementwise.js';
import { bf16DotWanted } from './inference-weights.js';
import { PACKED_WEIGHT_MAX_ROWS, packedWeight } from './packed-weights.js';
import { type KernelArgs, MAX_NATIVE_SIZE, fallback, float32Of, sizeOf, outputArray } from './util.js';

/** The backend's autocast dtype for matmuls (see `NativeBackend.setMatMulAutocast`). */
function matMulAutocastOf(backend: KernelArgs['backend']): AutocastDtype | null {
  return isAutocastBackend(backend) ? backend.matMulAutocast() : null;
}

/**
 * Native batched matmul, or null when the inputs are not float32 arrays. With `bias` (a float32
 * vector of n), returns `{ result, biasAdded }`: the packed few-row path adds it inside the
 * product, other paths leave it to the caller.
 */
export function nativeMatMul(
  backend: KernelArgs['backend'],
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  bias: Float32Array | null = null,
): { result: tf.TensorInfo; biasAdded: boolean } | null {
  const aValues = float32Of(backend, a);
  const bValues = float32Of(backend, b);
  if (!aValues || !bValues || a.shape.length < 2 || b.shape.length < 2) return null;
  const {
    m,
    n,
    k: kA,
    aBatch,
    bBatch,
    outBatch,
    outShape,
  } = matMulShapes(a.shape, b.shape, transposeA, transposeB, tf.broadcast_util.assertAndGetBroadcastShape);
  const outSize = sizeOf(outShape);
  if (outSize > MAX_NATIVE_SIZE || aValues.length > MAX_NATIVE_SIZE || bValues.length > MAX_NATIVE_SIZE)
    return null;
  const out = outputArray(outSize);
  // One matrix on the right and a batch of untransposed matrices on the left (a linear layer on
  // [batch, length, features]): the left batch is contiguous rows, so one product of
  // batch * m rows, the same product as on the 2-D view.
  const foldRows = !transposeA && sizeOf(bBatch) === 1 && sizeOf(aBatch) === sizeOf(outBatch);
  const offsetsOf = (batch: number[], stride: number) =>
    foldRows ? new Int32Array(1) : batchOffsets(batch, outBatch, stride);
  // gemm's and gemmBf16's shared arguments: operands, output, per-batch offsets, m, n, k, transposes.
  const gemmArgs = () =>
    [
      aValues,
      bValues,
      out,
      offsetsOf(aBatch, m * kA),
      offsetsOf(bBatch, kA * n),
      foldRows ? m * sizeOf(outBatch) : m,
      n,
      kA,
      transposeA,
      transposeB,
    ] as const;
  if (matMulAutocastOf(backend) === 'bf16') {
    // Under autocast the packed fp32 copies don't apply: every product rounds both sides.
    if (outSize > 0) requireAddon().gemmBf16(...gemmArgs(), bf16DotWanted());
    return { result: backend.makeTensorInfo(outShape, 'float32', out), biasAdded: false };
  }
  // Few rows against one matrix (inference on a sentence): the matrix's packed copy, if cached.
  const rows = sizeOf(aBatch) * m;
  if (outSize > 0 && !transposeA && sizeOf(bBatch) === 1 && rows <= PACKED_WEIGHT_MAX_ROWS) {
    const packedB = packedWeight(bValues, transposeB, kA, n);
    if (packedB) {
      const withBias = bias !== null && bias.length === n;
      requireAddon().gemmPacked(aValues, packedB, out, rows, n, kA, withBias ? bias : null);
      return { result: backend.makeTensorInfo(outShape, 'float32', out), biasAdded: withBias };
    }
  }
  if (outSize > 0) requireAddon().gemm(...gemmArgs());
  return { result: backend.makeTensorInfo(outShape, 'float32', out), biasAdded: false };
}

export function batchMatMulKernel(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  return (
    nativeMatMul(args.backend, a, b, !!transposeA, !!transposeB)?.result ?? fallback(tf.BatchMatMul, args)
  );
}

/** Activations applied natively after the product; others run through the cpu kernel whole. */
const NATIVE_ACTIVATIONS = new Set(['linear', 'relu', 'sigmoid']);

export function fusedMatMulKernel(args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  const { a, b, bias, preluActivationWeights, transposeA, transposeB, activation } =
    fusedMatMulArgs<tf.TensorInfo>(args);
  const biasValues = bias ? float32Of(args.backend, bias) : null;
  if (!NATIVE_ACTIVATIONS.has(activation) || preluActivationWeights || (bias && !biasValues)) {
    return fallback(tf._FusedMatMul, args);
  }
  // A bias of the product's last axis can go into the product itself (packed path).
  const vectorBias = bias && bias.shape.length === 1 ? biasValues : null;
  const product = nativeMatMul(args.backend, a, b, transposeA, transposeB, vectorBias);
  if (!product) return fallback(tf._FusedMatMul, args);
  let result = product.result;
  if (bias && !product.biasAdded) {
    const added = binaryKernel('Add', {
      inputs: { a: result, b: bias },
      backend: args.backend,
    }) as tf.TensorInfo;
    args.backend.disposeIntermediateTensorInfo(result);
    result = added;
  }
  if (activation !== 'linear') {
    const name = activation === 'relu' ? 'Relu' : 'Sigmoid';
    const activated = unaryKernel(name, { inputs: { x: result }, backend: args.backend }) as tf.TensorInfo;
    args.backend.disposeIntermediateTensorInfo(result);
    result = activated;
  }
  return result;
}
