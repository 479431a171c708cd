/**
 * The kernels the `.cu` sources (`src/cu/`) define, `extern "C" __global__`, and their
 * parameters in order. Three parties hold to this table: the CUDA sources (a test parses their
 * signatures and compares), the fake device (a JS version of every entry), and the TypeScript
 * kernels that launch them (arguments checked against it). Add entries at the end; never change
 * an existing one without changing all three.
 *
 * Conventions:
 * - float32 data is `float*`; int32 and bool data are both `int*` on the device (a bool is 0/1
 *   in an int32; the backend converts to tfjs' Uint8Array at upload/download).
 * - `n` is an element count below 2^31 (the backend checks before launching).
 * - `dims` is `struct NerDims { int rank; int a[6]; int b[6]; int c[6]; int d[6]; }`, passed by
 *   value; each kernel says what a..d mean. Shapes are row-major; a stride of 0 broadcasts.
 * - Grids are 1-D over the output unless said otherwise; every kernel bounds-checks its index
 *   (grid-stride loops), so any grid size is correct and only speed depends on it.
 * - Reductions and softmax take rows of a contiguous `[outer, inner]` view; the backend
 *   transposes first when the axis is not innermost.
 */

/** A parameter kind: device pointer, int32, uint32, float32, or the `NerDims` struct. */
export type AbiParam = 'ptr' | 'i32' | 'u32' | 'f32' | 'dims';

/** One kernel: its parameters in order and what it computes. */
export interface KernelSpec {
  readonly params: readonly AbiParam[];
  readonly doc: string;
}

/** Unary op codes of `ner_unary_f32`. */
export const UNARY_OP = {
  neg: 0,
  exp: 1,
  log: 2,
  sqrt: 3,
  rsqrt: 4,
  square: 5,
  abs: 6,
  tanh: 7,
  sigmoid: 8,
  relu: 9,
  erf: 10,
  reciprocal: 11,
  sign: 12,
  log1p: 13,
  expm1: 14,
  floor: 15,
  ceil: 16,
  round: 17,
  sin: 18,
  cos: 19,
  softplus: 20,
  elu: 21,
  step: 22,
  isNaN: 23,
  isFinite: 24,
  isInf: 25,
} as const;

/** Binary op codes of `ner_binary_f32` / `ner_binary_i32` (i32: the integer ops only). */
export const BINARY_OP = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  minimum: 5,
  pow: 6,
  squaredDifference: 7,
  floorDiv: 8,
  mod: 9,
  realDiv: 10,
  logicalAnd: 11,
  logicalOr: 12,
  atan2: 13,
} as const;

/** Compare op codes of `ner_compare_*` (output int32 0/1). */
export const COMPARE_OP = {
  equal: 0,
  notEqual: 1,
  less: 2,
  lessEqual: 3,
  greater: 4,
  greaterEqual: 5,
} as const;

/** Reduce op codes of `ner_reduce_f32` / `ner_reduce_i32`. Empty rows give sum 0, mean 0, prod 1, max/min NaN (f32) as tfjs-cpu. */
export const REDUCE_OP = { sum: 0, mean: 1, max: 2, min: 3, prod: 4, any: 5, all: 6 } as const;

/** dtype codes of `ner_cast`. */
export const DTYPE_CODE = { float32: 0, int32: 1, bool: 2 } as const;

export const KERNEL_ABI: Readonly<Record<string, KernelSpec>> = {
  ner_unary_f32: {
    params: ['ptr', 'ptr', 'i32', 'i32', 'f32'],
    doc: '(const float* x, float* y, int n, int op, float alpha): y[i] = op(x[i]); alpha is the slope of elu/leakyRelu-style ops (unused by the others). Math as tfjs-cpu (erf is erff, round is half-to-even, sign(0)=0; isNaN/isFinite/isInf write 0/1 as float).',
  },
  ner_binary_f32: {
    params: ['ptr', 'ptr', 'ptr', 'i32', 'i32', 'dims'],
    doc: '(const float* a, const float* b, float* y, int n, int op, NerDims d): y[i] = a[ia] op b[ib]; d.rank, d.a = output shape, d.b = strides of a, d.c = strides of b (in elements, 0 where broadcast). floorDiv/mod follow Python (tfjs-cpu) semantics.',
  },
  ner_binary_i32: {
    params: ['ptr', 'ptr', 'ptr', 'i32', 'i32', 'dims'],
    doc: '(const int* a, const int* b, int* y, int n, int op, NerDims d): as ner_binary_f32 on int32 (add, sub, mul, maximum, minimum, floorDiv, mod, logicalAnd, logicalOr); div of int32 is floor division as in tfjs.',
  },
  ner_compare_f32: {
    params: ['ptr', 'ptr', 'ptr', 'i32', 'i32', 'dims'],
    doc: '(const float* a, const float* b, int* y, int n, int op, NerDims d): y = (a op b) ? 1 : 0, broadcasting as ner_binary_f32. NaN compares false except notEqual.',
  },
  ner_compare_i32: {
    params: ['ptr', 'ptr', 'ptr', 'i32', 'i32', 'dims'],
    doc: '(const int* a, const int* b, int* y, int n, int op, NerDims d): as ner_compare_f32 on int32/bool.',
  },
  ner_select_f32: {
    params: ['ptr', 'ptr', 'ptr', 'ptr', 'i32', 'dims'],
    doc: '(const int* cond, const float* a, const float* b, float* y, int n, NerDims d): y = cond ? a : b; d.a = output shape, d.b/d.c/d.d = strides of cond/a/b. 32-bit payload: also used for int32 (bits copied).',
  },
  ner_cast: {
    params: ['ptr', 'ptr', 'i32', 'i32', 'i32'],
    doc: '(const void* x, void* y, int n, int from, int to): dtype codes DTYPE_CODE; float->int32 truncates toward zero, ->bool is x != 0.',
  },
  ner_reduce_f32: {
    params: ['ptr', 'ptr', 'i32', 'i32', 'i32'],
    doc: '(const float* x, float* y, int outer, int inner, int op): y[o] = reduce(x[o*inner .. o*inner+inner)); one block per row (any block size up to 1024, a power of two), sums in float with a tree (pairwise) order. any/all write 0/1.',
  },
  ner_reduce_i32: {
    params: ['ptr', 'ptr', 'i32', 'i32', 'i32'],
    doc: '(const int* x, int* y, int outer, int inner, int op): as ner_reduce_f32 on int32/bool (mean truncates as tfjs int mean).',
  },
  ner_arg_reduce_f32: {
    params: ['ptr', 'ptr', 'i32', 'i32', 'i32'],
    doc: '(const float* x, int* y, int outer, int inner, int isMin): index of the first max (isMin=0) or min (1) of each row.',
  },
  ner_softmax_f32: {
    params: ['ptr', 'ptr', 'i32', 'i32'],
    doc: '(const float* x, float* y, int rows, int cols): y = exp(x - max) / sum over each row; one block per row.',
  },
  ner_softmax_grad_f32: {
    params: ['ptr', 'ptr', 'ptr', 'i32', 'i32'],
    doc: '(const float* dy, const float* y, float* dx, int rows, int cols): dx = y * (dy - sum(dy * y)) over each row (products rounded before the sum); one block per row.',
  },
  ner_log_softmax_f32: {
    params: ['ptr', 'ptr', 'i32', 'i32'],
    doc: '(const float* x, float* y, int rows, int cols): y = x - max - log(sum exp(x - max)) over each row.',
  },
  ner_transpose_32: {
    params: ['ptr', 'ptr', 'i32', 'dims'],
    doc: '(const void* x, void* y, int n, NerDims d): 32-bit elements; d.a = output shape, d.b = the input stride of each output axis (strides permuted).',
  },
  ner_gather_32: {
    params: ['ptr', 'ptr', 'ptr', 'i32', 'i32', 'i32', 'i32'],
    doc: '(const void* x, const int* idx, void* y, int outer, int numIdx, int inner, int axisDim): y[o, i, j] = x[o, idx[i], j] for 32-bit elements; an index outside [0, axisDim) writes 0.',
  },
  ner_segment_sum_f32: {
    params: ['ptr', 'ptr', 'ptr', 'i32', 'i32', 'i32'],
    doc: '(const float* x, const int* seg, float* y, int rows, int inner, int numSegments): y[seg[r], j] += x[r, j] (atomicAdd); y is zeroed by the caller; segment ids outside [0, numSegments) are skipped.',
  },
  ner_scatter_nd_f32: {
    params: ['ptr', 'ptr', 'ptr', 'i32', 'i32', 'i32', 'i32', 'dims'],
    doc: '(const int* indices, const float* updates, float* y, int numUpdates, int indexDepth, int sliceSize, int outSize, NerDims d): y[offset(indices[u]) + j] += updates[u*sliceSize + j] (atomicAdd); d.a[k] = the output stride (in elements) of index column k; out-of-range offsets are skipped; y is zeroed by the caller.',
  },
  ner_pad_32: {
    params: ['ptr', 'ptr', 'i32', 'u32', 'dims'],
    doc: '(const void* x, void* y, int n, unsigned value, NerDims d): 32-bit elements; d.a = output shape, d.b = input shape, d.c = padding before each axis; outside the input writes the bit pattern value.',
  },
  ner_slice_32: {
    params: ['ptr', 'ptr', 'i32', 'i32', 'dims'],
    doc: '(const void* x, void* y, int n, int offset, NerDims d): 32-bit elements; y[i] = x[offset + sum_k coord_k(i) * d.b[k]] with d.a = output shape and d.b = input strides times the step of each axis (strided slice; offset = the flat input index of the begin corner).',
  },
  ner_copy_2d_32: {
    params: ['ptr', 'ptr', 'i32', 'i32', 'i32', 'i32', 'i32'],
    doc: '(const void* src, void* dst, int rows, int cols, int srcStride, int dstStride, int dstOffset): dst[dstOffset + r*dstStride + c] = src[r*srcStride + c] (concat along an axis, one input per launch).',
  },
  ner_one_hot_f32: {
    params: ['ptr', 'ptr', 'i32', 'i32', 'f32', 'f32'],
    doc: '(const int* idx, float* y, int n, int depth, float on, float off): y[i, j] = idx[i] == j ? on : off.',
  },
  ner_range_f32: {
    params: ['ptr', 'i32', 'f32', 'f32'],
    doc: '(float* y, int n, float start, float delta): y[i] = start + i * delta.',
  },
  ner_random_uniform_f32: {
    params: ['ptr', 'i32', 'u32', 'u32', 'u32', 'f32', 'f32'],
    doc: '(float* y, int n, unsigned seedLo, unsigned seedHi, unsigned offset, float low, float high): Philox4x32-10 counter (offset + i/4) keyed by the seed; y in [low, high). Deterministic for a seed, independent of launch geometry.',
  },
  ner_layer_norm_f32: {
    params: ['ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'i32', 'i32', 'f32'],
    doc: '(const float* x, const float* gamma, const float* beta, float* y, float* mean, float* rstd, int rows, int cols, float eps): NerLayerNorm over each row, biased variance, rstd = 1/sqrt(var + eps); one block per row.',
  },
  ner_layer_norm_grad_f32: {
    params: ['ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr', 'i32', 'i32'],
    doc: '(const float* dy, const float* x, const float* gamma, const float* mean, const float* rstd, float* dx, float* dgamma, float* dbeta, int rows, int cols): NerLayerNormGrad; dgamma/dbeta accumulate with atomicAdd and are zeroed by the caller.',
  },
  ner_gelu_erf_f32: {
    params: ['ptr', 'ptr', 'i32'],
    doc: '(const float* x, float* y, int n): 0.5 x (1 + erf(x / sqrt 2)).',
  },
  ner_gelu_erf_grad_f32: {
    params: ['ptr', 'ptr', 'ptr', 'i32'],
    doc: '(const float* dy, const float* x, float* dx, int n): dy * (Phi(x) + x phi(x)).',
  },
  ner_adamw_f32: {
    params: [
      'ptr',
      'ptr',
      'ptr',
      'ptr',
      'ptr',
      'ptr',
      'ptr',
      'i32',
      'f32',
      'f32',
      'f32',
      'f32',
      'f32',
      'f32',
      'ptr',
    ],
    doc: '(const float* param, const float* grad, const float* m, const float* v, float* paramOut, float* mOut, float* vOut, int n, float decayFactor, float beta1, float beta2, float biasCorrection2Sqrt, float eps, float stepSize, const float* gradMultiplier): one NerAdamW step as @ner/tfjs-backend-native (torch single-tensor AdamW) with g = grad * *gradMultiplier (float32; grad itself where gradMultiplier is null, address 0): p *= decayFactor; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= stepSize * m / (sqrt(v)/biasCorrection2Sqrt + eps). Outputs may alias inputs (in place).',
  },
  ner_bias_add_f32: {
    params: ['ptr', 'ptr', 'ptr', 'i32', 'i32'],
    doc: '(const float* x, const float* bias, float* y, int rows, int cols): y[r, c] = x[r, c] + bias[c] (may alias x).',
  },
  ner_cast_f32_bf16: {
    params: ['ptr', 'ptr', 'i32'],
    doc: "(const float* x, unsigned short* y, int n): y[i] = the bfloat16 bits of x[i], rounded to nearest even as tools/kernel-contract's roundToBf16 (NaN stays NaN, quiet, sign kept); y holds 2 bytes per element. bf16 autocast's operand cast (matmul.ts).",
  },
  ner_dropout_f32: {
    params: ['ptr', 'ptr', 'i32', 'u32', 'u32', 'u32', 'f32', 'f32'],
    doc: "(const float* x, float* y, int n, unsigned seedLo, unsigned seedHi, unsigned offset, float rate, float scale): NerDropout; u is ner_random_uniform_f32's draw for the same key, offset and n with low 0, high 1; y[i] = x[i] * (u[i] >= rate ? scale : 0) (scale = fround(1 / (1 - rate))). No mask is written: the gradient is the same call on dy.",
  },
  ner_adamw_multi_f32: {
    params: ['ptr', 'i32', 'i32', 'i32', 'ptr'],
    doc: "(const NerAdamWSlot* slots, int count, int chunks, int chunkSize, const float* gradMultiplier): ner_adamw_f32's step, element for element the same arithmetic (the one gradMultiplier, or none, for all tensors), over `count` tensors in one launch (torch's multi-tensor apply). Each slot ({@link ADAMW_SLOT_BYTES} bytes, {@link ADAMW_SLOT} offsets) holds one tensor's seven device addresses, its n (> 0), the index of its first chunk and its six scalars; slots are in chunk order, tensor t owning chunks [firstChunk, firstChunk + ceil(n / chunkSize)). Blocks stride over the `chunks` chunks, threads over a chunk's elements. Outputs may alias their own slot's inputs, not another slot's.",
  },
  ner_sum_squares_chunks_f32: {
    params: ['ptr', 'i32', 'i32', 'i32', 'ptr'],
    doc: "(const NerSumSquaresSlot* slots, int count, int chunks, int chunkSize, float* partial): NerSumSquaresMulti's first pass: partial[c] = the sum of x[i]^2 over chunk c (float32, one block per chunk, blocks striding over the chunks). Each slot ({@link SUM_SQUARES_SLOT_BYTES} bytes, {@link SUM_SQUARES_SLOT} offsets) holds one non-empty tensor's device address, its n (> 0), the index of its first chunk and of its sum in the output; slots in chunk order, as ner_adamw_multi_f32's.",
  },
  ner_sum_chunks_f32: {
    params: ['ptr', 'i32', 'i32', 'ptr', 'ptr'],
    doc: "(const NerSumSquaresSlot* slots, int count, int chunkSize, const float* partial, float* out): NerSumSquaresMulti's second pass: out[slot.out] = the sum of slot t's ceil(n / chunkSize) partial sums, from partial[firstChunk] on (one block per slot, blocks striding over the slots).",
  },
};

/**
 * Byte offsets in one `struct NerAdamWSlot` (src/cu/optim.cu), the table `ner_adamw_multi_f32`
 * reads: seven device addresses (8 bytes each), then int32 `n` and `firstChunk`, then the six
 * float32 scalars of `ner_adamw_f32` in its order.
 */
export const ADAMW_SLOT = {
  param: 0,
  grad: 8,
  m: 16,
  v: 24,
  paramOut: 32,
  mOut: 40,
  vOut: 48,
  n: 56,
  firstChunk: 60,
  decayFactor: 64,
  beta1: 68,
  beta2: 72,
  biasCorrection2Sqrt: 76,
  eps: 80,
  stepSize: 84,
} as const;

/** `sizeof(NerAdamWSlot)`: 88 bytes (8-byte aligned; the .cu static_asserts it). */
export const ADAMW_SLOT_BYTES = 88;

/**
 * Byte offsets in one `struct NerSumSquaresSlot` (src/cu/optim.cu): a device address, then int32
 * `n`, `firstChunk` and `out` (the index of the tensor's sum in the output), 4 bytes unused.
 */
export const SUM_SQUARES_SLOT = { x: 0, n: 8, firstChunk: 12, out: 16 } as const;

/** `sizeof(NerSumSquaresSlot)`: 24 bytes (the .cu static_asserts it). */
export const SUM_SQUARES_SLOT_BYTES = 24;
