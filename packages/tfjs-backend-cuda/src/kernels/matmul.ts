/**
 * BatchMatMul and _FusedMatMul on `device.gemm` (cuBLASLt on a GPU). Batch dimensions broadcast
 * as in tfjs: one strided-batched product when each side's batch is either the whole output
 * batch or a single matrix (stride 0), else one product per output batch. A single matrix on
 * the right with an untransposed left folds the left's batch into rows (one large product).
 * Bias vectors go in the product's epilogue; TF32 only after `setAllowTf32(true)`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CudaBackend } from '../backend.js';
import { denseLeadingDims } from '../device.js';
import { getAllowTf32 } from '../settings.js';
import { broadcastBinary, unaryF32 } from './elementwise.js';
import { BINARY_OP, UNARY_OP } from '../kernel-abi.js';
import { defineKernel, fallback } from './registry.js';
import { i32Args, sizeOf } from './util.js';
import { batchOffsets, fusedMatMulArgs, matMulShapes } from '../../../../tools/kernel-contract/index.js';

/** `a @ b` (with transposes and an optional bias / relu epilogue) into a new float32 tensor. */
export function matMul(
  backend: CudaBackend,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transA: boolean,
  transB: boolean,
  epilogue: { bias?: tf.TensorInfo; relu?: boolean } = {},
): tf.TensorInfo {
  const { m, n, k, aBatch, bBatch, outBatch, outShape } = matMulShapes(
    a.shape,
    b.shape,
    transA,
    transB,
    tf.backend_util.assertAndGetBroadcastShape,
  );
  const y = backend.makeOutput(outShape, 'float32');
  const batch = sizeOf(outBatch);
  if (batch === 0 || m === 0 || n === 0) return y;
  const common = {
    transA,
    transB,
    ...denseLeadingDims(m, n, k, transA, transB),
    alpha: 1,
    beta: 0,
    tf32: getAllowTf32(),
    activation: epilogue.relu ? ('relu' as const) : ('none' as const),
    ...(epilogue.bias ? { bias: backend.ptrOf(epilogue.bias) } : {}),
  };
  const [pa, pb, pc] = [backend.ptrOf(a), backend.ptrOf(b), backend.ptrOf(y)];
  if (k === 0) {
    // An empty sum: zeros (plus the bias, then relu) without asking the library about k = 0.
    backend.device.fill32(pc, 0, batch * m * n);
    if (epilogue.bias) {
      backend.launch('ner_bias_add_f32', batch * m * n, [
        { ptr: pc },
        { ptr: backend.ptrOf(epilogue.bias) },
        { ptr: pc },
        ...i32Args(batch * m, n),
      ]);
    }
    if (epilogue.relu) {
      const total = batch * m * n;
      backend.launch('ner_unary_f32', total, [
        { ptr: pc },
        { ptr: pc },
        ...i32Args(total, UNARY_OP.relu),
        { f32: 0 },
      ]);
    }
    return y;
  }
  const aCount = sizeOf(aBatch);
  const bCount = sizeOf(bBatch);
  if (bCount === 1 && !transA) {
    // Fold the left batch into rows: [batch * m, k] @ [k, n].
    backend.device.gemm({
      ...common,
      a: pa,
      b: pb,
      c: pc,
      m: m * batch,
      n,
      k,
      batch: 1,
      strideA: 0,
      strideB: 0,
      strideC: 0,
    });
    // aCount may be < batch only when a broadcasts too; then it is 1 and rows repeat: handled below.
    if (aCount === batch) return y;
  }
  const simple = (count: number) => count === batch || count === 1;
  if (simple(aCount) && simple(bCount)) {
    backend.device.gemm({
      ...common,
      a: pa,
      b: pb,
      c: pc,
      m,
      n,
      k,
      batch,
      strideA: aCount === 1 ? 0 : m * k,
      strideB: bCount === 1 ? 0 : k * n,
      strideC: m * n,
    });
    return y;
  }
  const aOffsets = batchOffsets(aBatch, outBatch, m * k);
  const bOffsets = batchOffsets(bBatch, outBatch, k * n);
  for (let i = 0; i < batch; i++) {
    backend.device.gemm({
      ...common,
      a: pa + BigInt(aOffsets[i]! * 4),
      b: pb + BigInt(bOffsets[i]! * 4),
      c: pc + BigInt(i * m * n * 4),
      m,
      n,
      k,
      batch: 1,
      strideA: 0,
      strideB: 0,
      strideC: 0,
    });
  }
  return y;
}

defineKernel(tf.BatchMatMul, (args) => {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) {
    return fallback(tf.BatchMatMul, args, `${a.dtype} [${a.shape}] x ${b.dtype} [${b.shape}]`);
  }
  return matMul(args.backend, a, b, !!transposeA, !!transposeB);
});

defineKernel(tf._FusedMatMul, (args) => {
  const { a, b, bias, preluActivationWeights, transposeA, transposeB, activation } =
    fusedMatMulArgs<tf.TensorInfo>(args);
  const backend = args.backend;
  if (
    a.dtype !== 'float32' ||
    b.dtype !== 'float32' ||
    (bias && bias.dtype !== 'float32') ||
    preluActivationWeights ||
    !['linear', 'relu', 'sigmoid'].includes(activation) ||
    a.shape.length < 2 ||
    b.shape.length < 2
  ) {
    return fallback(tf._FusedMatMul, args, `activation ${activation}, dtypes ${a.dtype}/${b.dtype}`);
  }
  const n = transposeB ? b.shape[b.shape.length - 2]! : b.shape[b.shape.length - 1]!;
  // A bias along the output's last axis only (shape [n], [1, n], ...) fits the epilogue.
  const vectorBias = bias && sizeOf(bias.shape) === n && bias.shape[bias.shape.length - 1] === n;
  let y = matMul(backend, a, b, transposeA, transposeB, {
    ...(vectorBias ? { bias } : {}),
    relu: activation === 'relu' && (vectorBias || !bias),
  });
  if (bias && !vectorBias) {
    const added = broadcastBinary(backend, 'ner_binary_f32', y, bias, BINARY_OP.add, 'float32');
    if (!added) {
      backend.disposeIntermediateTensorInfo(y);
      return fallback(tf._FusedMatMul, args, 'bias broadcast above rank 6');
    }
    backend.disposeIntermediateTensorInfo(y);
    y = added;
    if (activation === 'relu') {
      const activated = unaryF32(backend, y, UNARY_OP.relu);
      backend.disposeIntermediateTensorInfo(y);
      y = activated;
    }
  }
  if (activation === 'sigmoid') {
    const activated = unaryF32(backend, y, UNARY_OP.sigmoid);
    backend.disposeIntermediateTensorInfo(y);
    y = activated;
  }
  return y;
});
