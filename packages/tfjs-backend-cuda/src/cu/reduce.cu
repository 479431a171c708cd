// Row reductions over a contiguous [outer, inner] view, softmax, and the fused LayerNorm. One
// block per row (rows grid-strided over blockIdx.x); blockDim is a power of two up to 1024.
#include "ner_dims.cuh"

#define NER_NAN_R __int_as_float(0x7fc00000)
#define NER_INF_R __int_as_float(0x7f800000)

// max / min that propagate NaN, as tfjs-cpu's reductions do.
struct NerMaxNaN {
  __device__ __forceinline__ float operator()(float a, float b) const {
    return (a != a || b != b) ? NER_NAN_R : fmaxf(a, b);
  }
};
struct NerMinNaN {
  __device__ __forceinline__ float operator()(float a, float b) const {
    return (a != a || b != b) ? NER_NAN_R : fminf(a, b);
  }
};
struct NerProdF {
  __device__ __forceinline__ float operator()(float a, float b) const { return a * b; }
};
struct NerAddU {  // int32 sums wrap modulo 2^32 as an Int32Array store does
  __device__ __forceinline__ int operator()(int a, int b) const { return (int)((unsigned)a + (unsigned)b); }
};
struct NerAddL {
  __device__ __forceinline__ long long operator()(long long a, long long b) const { return a + b; }
};
struct NerMulU {
  __device__ __forceinline__ int operator()(int a, int b) const { return (int)((unsigned)a * (unsigned)b); }
};
struct NerMaxI {
  __device__ __forceinline__ int operator()(int a, int b) const { return a > b ? a : b; }
};
struct NerMinI {
  __device__ __forceinline__ int operator()(int a, int b) const { return a < b ? a : b; }
};

// One row of `inner` values folded by `op` across the block (float and int32 rows alike).
template <typename T, typename Op>
__device__ __forceinline__ T nerRowReduce(const T *row, int inner, T identity, Op op, T *scratch) {
  T acc = identity;
  for (int j = threadIdx.x; j < inner; j += blockDim.x) acc = op(acc, row[j]);
  return nerBlockReduce<T>(acc, identity, op, scratch);
}

extern "C" __global__ void ner_reduce_f32(const float *x, float *y, int outer, int inner, int op) {
  __shared__ float scratch[32];
  for (int r = blockIdx.x; r < outer; r += gridDim.x) {
    const float *row = x + (long long)r * inner;
    float result;
    switch (op) {
      case 0:
      case 1: {
        const float s = nerRowReduce(row, inner, 0.0f, NerSumF(), scratch);
        result = op == 1 ? (inner > 0 ? s / (float)inner : 0.0f) : s;
        break;
      }
      case 2: result = inner > 0 ? nerRowReduce(row, inner, -NER_INF_R, NerMaxNaN(), scratch) : NER_NAN_R; break;
      case 3: result = inner > 0 ? nerRowReduce(row, inner, NER_INF_R, NerMinNaN(), scratch) : NER_NAN_R; break;
      case 4: result = nerRowReduce(row, inner, 1.0f, NerProdF(), scratch); break;
      case 5: {
        float acc = 0.0f;
        for (int j = threadIdx.x; j < inner; j += blockDim.x) acc = fmaxf(acc, row[j] != 0.0f ? 1.0f : 0.0f);
        result = nerBlockReduce<float>(acc, 0.0f, NerMaxF(), scratch);
        break;
      }
      case 6: {
        float acc = 1.0f;
        for (int j = threadIdx.x; j < inner; j += blockDim.x) acc = fminf(acc, row[j] != 0.0f ? 1.0f : 0.0f);
        result = -nerBlockReduce<float>(-acc, -1.0f, NerMaxF(), scratch);
        break;
      }
      default: result = NER_NAN_R;
    }
    if (threadIdx.x == 0) y[r] = result;
  }
}

extern "C" __global__ void ner_reduce_i32(const int *x, int *y, int outer, int inner, int op) {
  __shared__ int scratch[32];
  for (int r = blockIdx.x; r < outer; r += gridDim.x) {
    const int *row = x + (long long)r * inner;
    int result;
    switch (op) {
      case 0: result = nerRowReduce(row, inner, 0, NerAddU(), scratch); break;
      case 1: {
        // Mean of int32 in tfjs: the exact sum (a JS number) divided by the count, truncated.
        long long acc = 0;
        for (int j = threadIdx.x; j < inner; j += blockDim.x) acc += row[j];
        __shared__ long long lscratch[32];
        const long long s = nerBlockReduce<long long>(acc, 0LL, NerAddL(), lscratch);
        result = inner > 0 ? (int)(s / inner) : 0;  // C++ division truncates toward zero
        break;
      }
      case 2: result = inner > 0 ? nerRowReduce(row, inner, -2147483647 - 1, NerMaxI(), scratch) : 0; break;
      case 3: result = inner > 0 ? nerRowReduce(row, inner, 2147483647, NerMinI(), scratch) : 0; break;
      case 4: result = nerRowReduce(row, inner, 1, NerMulU(), scratch); break;
      case 5: {
        int acc = 0;
        for (int j = threadIdx.x; j < inner; j += blockDim.x) acc |= row[j] != 0 ? 1 : 0;
        result = nerBlockReduce<int>(acc, 0, NerMaxI(), scratch);
        break;
      }
      case 6: {
        int acc = 1;
        for (int j = threadIdx.x; j < inner; j += blockDim.x) acc &= row[j] != 0 ? 1 : 0;
        result = nerBlockReduce<int>(acc, 1, NerMinI(), scratch);
        break;
      }
      default: result = 0;
    }
    if (threadIdx.x == 0) y[r] = result;
  }
}

// (value, index) pairs: the better value wins, ties go to the lower index.
struct NerArgPair {
  float v;
  int i;
};
struct NerArgBetter {
  int isMin;
  __device__ __forceinline__ NerArgPair operator()(NerArgPair a, NerArgPair b) const {
    if (a.i < 0) return b;
    if (b.i < 0) return a;
    const bool bBetter = isMin ? (b.v < a.v) : (b.v > a.v);
    if (bBetter || (b.v == a.v && b.i < a.i)) return b;
    return a;
  }
};

extern "C" __global__ void ner_arg_reduce_f32(const float *x, int *y, int outer, int inner, int isMin) {
  __shared__ float scratchV[32];
  __shared__ int scratchI[32];
  const NerArgBetter better{isMin};
  for (int r = blockIdx.x; r < outer; r += gridDim.x) {
    const float *row = x + (long long)r * inner;
    // tfjs scans from element 0 with a strict comparison: a NaN first element wins, later NaNs never do.
    if (inner == 0 || row[0] != row[0]) {
      if (threadIdx.x == 0) y[r] = 0;
      continue;
    }
    NerArgPair best{0.0f, -1};
    for (int j = threadIdx.x; j < inner; j += blockDim.x) {
      const float v = row[j];
      if (v == v) best = better(best, NerArgPair{v, j});
    }
    // Warp shuffles on the two fields, then one pair per warp through shared memory.
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    __syncthreads();
    if (blockDim.x >= 32) {
      for (int o = 16; o > 0; o >>= 1) {
        NerArgPair other{__shfl_xor_sync(0xffffffffu, best.v, o), __shfl_xor_sync(0xffffffffu, best.i, o)};
        best = better(best, other);
      }
      if (lane == 0) {
        scratchV[warp] = best.v;
        scratchI[warp] = best.i;
      }
      __syncthreads();
      if (threadIdx.x == 0) {
        NerArgPair total{scratchV[0], scratchI[0]};
        for (int w = 1; w < (int)(blockDim.x >> 5); w++) total = better(total, NerArgPair{scratchV[w], scratchI[w]});
        y[r] = total.i < 0 ? 0 : total.i;
      }
    } else {
      scratchV[threadIdx.x] = best.v;
      scratchI[threadIdx.x] = best.i;
      __syncthreads();
      if (threadIdx.x == 0) {
        NerArgPair total{scratchV[0], scratchI[0]};
        for (int t = 1; t < (int)blockDim.x; t++) total = better(total, NerArgPair{scratchV[t], scratchI[t]});
        y[r] = total.i < 0 ? 0 : total.i;
      }
    }
    __syncthreads();
  }
}

// Softmax over each row of `cols` (kLog: log-softmax), one block a row: both take the row max `m`
// and the sum `s` of exp(x - m), then differ only in what they write.
template <bool kLog>
__device__ __forceinline__ void nerSoftmaxRows(const float *x, float *y, int rows, int cols, float *scratch) {
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const float *xr = x + (long long)r * cols;
    float *yr = y + (long long)r * cols;
    float m = -NER_INF_R;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) m = fmaxf(m, xr[j]);
    m = nerBlockMax(m, scratch);
    float s = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) s += expf(xr[j] - m);
    s = nerBlockSum(s, scratch);
    if (kLog) {
      const float logSum = logf(s);
      for (int j = threadIdx.x; j < cols; j += blockDim.x) yr[j] = xr[j] - m - logSum;
    } else {
      for (int j = threadIdx.x; j < cols; j += blockDim.x) yr[j] = expf(xr[j] - m) / s;
    }
  }
}

extern "C" __global__ void ner_softmax_f32(const float *x, float *y, int rows, int cols) {
  __shared__ float scratch[32];
  nerSoftmaxRows<false>(x, y, rows, cols, scratch);
}

extern "C" __global__ void ner_log_softmax_f32(const float *x, float *y, int rows, int cols) {
  __shared__ float scratch[32];
  nerSoftmaxRows<true>(x, y, rows, cols, scratch);
}

// Softmax's gradient over each row, dx = y * (dy - sum(dy * y)), one block a row: the composite
// ops' arithmetic in one pass. Each product is rounded before it is summed (__fmul_rn: no fused
// multiply-add), as the composite rounds its Multiply's output, and the sum is the row reduction
// ner_reduce_f32 does, so with the same block size the result is the composite's bit for bit.
extern "C" __global__ void ner_softmax_grad_f32(const float *dy, const float *y, float *dx, int rows, int cols) {
  __shared__ float scratch[32];
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const long long base = (long long)r * cols;
    float s = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) s += __fmul_rn(dy[base + j], y[base + j]);
    s = nerBlockSum(s, scratch);
    for (int j = threadIdx.x; j < cols; j += blockDim.x) dx[base + j] = y[base + j] * (dy[base + j] - s);
  }
}

extern "C" __global__ void ner_layer_norm_f32(const float *x, const float *gamma, const float *beta, float *y,
                                              float *mean, float *rstd, int rows, int cols, float eps) {
  __shared__ float scratch[32];
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const float *xr = x + (long long)r * cols;
    float *yr = y + (long long)r * cols;
    float s = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) s += xr[j];
    const float m = nerBlockSum(s, scratch) / (float)cols;
    float sq = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
      const float dev = xr[j] - m;
      sq += dev * dev;
    }
    const float variance = nerBlockSum(sq, scratch) / (float)cols;
    const float inv = 1.0f / sqrtf(variance + eps);
    if (threadIdx.x == 0) {
      mean[r] = m;
      rstd[r] = inv;
    }
    for (int j = threadIdx.x; j < cols; j += blockDim.x) yr[j] = (xr[j] - m) * inv * gamma[j] + beta[j];
  }
}

// Columns a thread keeps dgamma / dbeta partials for in registers across its block's rows;
// columns beyond blockDim * this are added with one atomic per row instead.
#define NER_LN_COLS_PER_THREAD 8

extern "C" __global__ void ner_layer_norm_grad_f32(const float *dy, const float *x, const float *gamma,
                                                   const float *mean, const float *rstd, float *dx, float *dgamma,
                                                   float *dbeta, int rows, int cols) {
  __shared__ float scratch[32];
  float accG[NER_LN_COLS_PER_THREAD];
  float accB[NER_LN_COLS_PER_THREAD];
#pragma unroll
  for (int k = 0; k < NER_LN_COLS_PER_THREAD; k++) accG[k] = accB[k] = 0.0f;
  const long long kept = (long long)blockDim.x * NER_LN_COLS_PER_THREAD;
  for (int r = blockIdx.x; r < rows; r += gridDim.x) {
    const float *dyr = dy + (long long)r * cols;
    const float *xr = x + (long long)r * cols;
    float *dxr = dx + (long long)r * cols;
    const float m = mean[r];
    const float s = rstd[r];
    float s1 = 0.0f, s2 = 0.0f;
    for (int j = threadIdx.x; j < cols; j += blockDim.x) {
      const float xhat = (xr[j] - m) * s;
      const float g = dyr[j] * gamma[j];
      s1 += g;
      s2 += g * xhat;
    }
    const float meanG = nerBlockSum(s1, scratch) / (float)cols;
    const float meanGX = nerBlockSum(s2, scratch) / (float)cols;
#pragma unroll
    for (int k = 0; k < NER_LN_COLS_PER_THREAD; k++) {
      const int j = threadIdx.x + k * blockDim.x;
      if (j < cols) {
        const float xhat = (xr[j] - m) * s;
        dxr[j] = s * (dyr[j] * gamma[j] - meanG - xhat * meanGX);
        accG[k] += dyr[j] * xhat;
        accB[k] += dyr[j];
      }
    }
    for (long long j = kept + threadIdx.x; j < cols; j += blockDim.x) {
      const float xhat = (xr[j] - m) * s;
      dxr[j] = s * (dyr[j] * gamma[j] - meanG - xhat * meanGX);
      atomicAdd(dgamma + j, dyr[j] * xhat);
      atomicAdd(dbeta + j, dyr[j]);
    }
  }
  if ((int)blockIdx.x < rows) {
#pragma unroll
    for (int k = 0; k < NER_LN_COLS_PER_THREAD; k++) {
      const int j = threadIdx.x + k * blockDim.x;
      if (j < cols) {
        atomicAdd(dgamma + j, accG[k]);
        atomicAdd(dbeta + j, accB[k]);
      }
    }
  }
}
