/**
 * BatchMatMul and _FusedMatMul on `device.gemm` (cuBLASLt on a GPU). Batch dimensions broadcast
 * as in tfjs: one strided-batched product when each side's batch is either the whole output
 * batch or a single matrix (stride 0), else one product per output batch. A single matrix on
 * the right with an untransposed left folds the left's batch into rows (one large product).
 * Bias vectors go in the product's epilogue; TF32 only after `setAllowTf32(true)`.
 *
 * Under bf16 autocast (`CudaBackend.setMatMulAutocast('bf16')`, as `torch.autocast(dtype=
 * torch.bfloat16)`): both operands are read as bfloat16 copies (`CudaBackend.bf16CopyOf`: cast on
 * the device with `ner_cast_f32_bf16`, round to nearest even, once per tensor while autocast
 * lasts), and cuBLASLt multiplies the bf16 matrices with fp32 accumulation into the float32
 * output (bias, relu and the rest unchanged; TF32 does not apply).
 *
 * Where cuBLASLt has no algorithm for a fused product, the bias and relu run as kernels after it
 * (`gemm-epilogues.ts`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CudaBackend } from '../backend.js';
import { type DevicePtr, type GemmDesc, denseLeadingDims } from '../device.js';
import { getAllowTf32 } from '../settings.js';
import { type GemmPrecision, epilogueRefused, isHeuristicRefusal, refuseEpilogue } from './gemm-epilogues.js';
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
  epilogue: Epilogue = {},
): tf.TensorInfo {
  const shapes = matMulShapes(a.shape, b.shape, transA, transB, tf.backend_util.assertAndGetBroadcastShape);
  const { m, n, k, outBatch, outShape } = shapes;
  const y = backend.makeOutput(outShape, 'float32');
  const batch = sizeOf(outBatch);
  if (batch === 0 || m === 0 || n === 0) return y;
  const bf16 = backend.matMulAutocast() === 'bf16';
  const tf32 = bf16 ? false : getAllowTf32();
  const precision: GemmPrecision = bf16 ? 'bf16' : tf32 ? 'tf32' : 'fp32';
  const wanted = !!epilogue.bias || !!epilogue.relu;
  const fused = wanted && !epilogueRefused(precision);
  const { lda, ldb, ldc } = denseLeadingDims(m, n, k, transA, transB);
  const common: GemmCommon = {
    transA,
    transB,
    lda,
    ldb,
    ldc,
    alpha: 1,
    beta: 0,
    tf32,
    bf16,
    activation: fused && epilogue.relu ? 'relu' : 'none',
    bias: fused && epilogue.bias ? backend.ptrOf(epilogue.bias) : undefined,
  };
  const pc = backend.ptrOf(y);
  if (k === 0) {
    // An empty sum: zeros (plus the bias, then relu) without asking the library about k = 0.
    backend.device.fill32(pc, 0, batch * m * n);
    applyEpilogue(backend, pc, batch * m, n, epilogue);
    return y;
  }
  try {
    // bf16 copies of both operands, kept with the tensors while autocast lasts: the backward
    // pass reads the same weights, inputs and output gradients again.
    const pa = bf16 ? backend.bf16CopyOf(a) : backend.ptrOf(a);
    const pb = bf16 ? backend.bf16CopyOf(b) : backend.ptrOf(b);
    const elementBytes = bf16 ? 2 : 4;
    try {
      products(backend, common, pa, pb, pc, elementBytes, shapes);
    } catch (error) {
      if (!fused || !isHeuristicRefusal(error)) throw error;
      refuseEpilogue(precision, (error as Error).message);
      products(backend, { ...common, activation: 'none', bias: undefined }, pa, pb, pc, elementBytes, shapes);
      applyEpilogue(backend, pc, batch * m, n, epilogue);
      return y;
    }
    if (wanted && !fused) applyEpilogue(backend, pc, batch * m, n, epilogue);
  } catch (error) {
    backend.disposeIntermediateTensorInfo(y);
    throw error;
  }
  return y;
}

/** What a product may add to its output: a bias along the last axis, then relu. */
interface Epilogue {
  bias?: tf.TensorInfo;
  relu?: boolean;
}

/** The epilogue with kernels, in place on the `rows x cols` float32 output at `pc`. */
function applyEpilogue(
  backend: CudaBackend,
  pc: DevicePtr,
  rows: number,
  cols: number,
  epilogue: Epilogue,
): void {
  if (epilogue.bias) {
    backend.launch('ner_bias_add_f32', rows * cols, [
      { ptr: pc },
      { ptr: backend.ptrOf(epilogue.bias) },
      { ptr: pc },
      ...i32Args(rows, cols),
    ]);
  }
  if (epilogue.relu) {
    const total = rows * cols;
    backend.launch('ner_unary_f32', total, [
      { ptr: pc },
      { ptr: pc },
      ...i32Args(total, UNARY_OP.relu),
      { f32: 0 },
    ]);
  }
}

/**
 * `y[j] = sum_i x[i, j]` for a float32 `x` stored as `rows x cols` (a Sum over leading axes: the
 * bias gradients of a training step) as one product `ones[1, rows] @ x`, where the transpose and
 * row reduction it replaces took two launches and a copy of `x`. Always fp32 (no TF32, no bf16),
 * as PyTorch reduces bias gradients in fp32 whatever its matmul precision.
 */
export function columnSums(
  backend: CudaBackend,
  x: DevicePtr,
  rows: number,
  cols: number,
  y: DevicePtr,
): void {
  const common: GemmCommon = {
    transA: false,
    transB: false,
    lda: rows,
    ldb: cols,
    ldc: cols,
    alpha: 1,
    beta: 0,
    tf32: false,
    bf16: false,
    activation: 'none',
    bias: undefined,
  };
  backend.device.gemm(gemmDesc(common, backend.onesVector(rows), x, y, 1, cols, rows, 1, 0, 0, 0));
}

type GemmCommon = Omit<
  GemmDesc,
  'a' | 'b' | 'c' | 'm' | 'n' | 'k' | 'batch' | 'strideA' | 'strideB' | 'strideC'
>;

/**
 * One product's descriptor as a literal of one fixed shape. Spreading `common` into a new object
 * with ten more fields cost ~20 µs per product in V8 (measured on a no-op device: a third of a
 * BERT step's host time in our backend); a fixed literal costs well under one.
 */
function gemmDesc(
  common: GemmCommon,
  a: DevicePtr,
  b: DevicePtr,
  c: DevicePtr,
  m: number,
  n: number,
  k: number,
  batch: number,
  strideA: number,
  strideB: number,
  strideC: number,
): GemmDesc {
  return {
    a,
    b,
    c,
    m,
    n,
    k,
    transA: common.transA,
    transB: common.transB,
    lda: common.lda,
    ldb: common.ldb,
    ldc: common.ldc,
    batch,
    strideA,
    strideB,
    strideC,
    alpha: common.alpha,
    beta: common.beta,
    bias: common.bias,
    activation: common.activation,
    tf32: common.tf32,
    bf16: common.bf16,
  };
}

/**
 * The products of {@link matMul} for operands at `pa` / `pb` of `elementBytes` each (4 float32,
 * 2 bf16; the output at `pc` is float32), given the shapes `matMulShapes` worked out.
 */
function products(
  backend: CudaBackend,
  common: GemmCommon,
  pa: DevicePtr,
  pb: DevicePtr,
  pc: DevicePtr,
  elementBytes: number,
  shapes: ReturnType<typeof matMulShapes>,
): void {
  const { m, n, k, aBatch, bBatch, outBatch } = shapes;
  const batch = sizeOf(outBatch);
  const aCount = sizeOf(aBatch);
  const bCount = sizeOf(bBatch);
  if (bCount === 1 && !common.transA) {
    // Fold the left batch into rows: [batch * m, k] @ [k, n].
    backend.device.gemm(gemmDesc(common, pa, pb, pc, m * batch, n, k, 1, 0, 0, 0));
    // aCount may be < batch only when a broadcasts too; then it is 1 and rows repeat: handled below.
    if (aCount === batch) return;
  }
  const simple = (count: number) => count === batch || count === 1;
  if (simple(aCount) && simple(bCount)) {
    const strideA = aCount === 1 ? 0 : m * k;
    const strideB = bCount === 1 ? 0 : k * n;
    backend.device.gemm(gemmDesc(common, pa, pb, pc, m, n, k, batch, strideA, strideB, m * n));
    return;
  }
  const aOffsets = batchOffsets(aBatch, outBatch, m * k);
  const bOffsets = batchOffsets(bBatch, outBatch, k * n);
  for (let i = 0; i < batch; i++) {
    const ai = pa + BigInt(aOffsets[i]! * elementBytes);
    const bi = pb + BigInt(bOffsets[i]! * elementBytes);
    backend.device.gemm(gemmDesc(common, ai, bi, pc + BigInt(i * m * n * 4), m, n, k, 1, 0, 0, 0));
  }
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
