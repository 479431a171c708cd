// Shared by every kernel source: the one struct kernels take by value, index helpers, and the
// block reductions. Must compile under nvcc and NVRTC alike, so it includes no system header
// (NVRTC has none) and uses only built-in device functions.
#pragma once
// Include guards as well: NVRTC receives this file as an in-memory header, where a guard is
// the portable way to include it once.
#ifndef NER_DIMS_CUH
#define NER_DIMS_CUH

/** Shapes and strides of up to six axes (see kernel-abi.ts): 25 int32, 100 bytes, by value. */
struct NerDims {
  int rank;
  int a[6];
  int b[6];
  int c[6];
  int d[6];
};

#define NER_MAX_RANK 6

// Grid-stride loop over [0, n): any grid size is correct, only the speed depends on it.
#define NER_GRID_LOOP(i, n)                                                     \
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
       i += (long long)blockDim.x * gridDim.x)

/**
 * The offsets of output element `flat` in N operands with strides `strides[0..N)`, for output
 * shape `shape`: one chain of divisions for all of them. The index math is 32-bit: every tensor
 * has fewer than 2^31 elements (kernel-abi.ts), and a GPU divides 32-bit integers in a fraction
 * of the instructions of 64-bit ones, which it emulates (as PyTorch's TensorIterator indexes in
 * 32 bits where it can). The outermost axis takes no division: what is left of `flat` there is
 * its coordinate, since flat < the product of the shape.
 */
template <int N>
__device__ __forceinline__ void nerOffsetsN(long long flat, const int *shape, const int *const (&strides)[N],
                                            int rank, long long (&offsets)[N]) {
  unsigned rest = (unsigned)flat;
  for (int m = 0; m < N; m++) offsets[m] = 0;
  for (int k = rank - 1; k > 0; k--) {
    const unsigned dim = (unsigned)shape[k];
    const unsigned coord = dim > 0 ? rest % dim : 0u;
    rest = dim > 0 ? rest / dim : 0u;
    for (int m = 0; m < N; m++) offsets[m] += (long long)coord * strides[m][k];
  }
  if (rank > 0) {
    for (int m = 0; m < N; m++) offsets[m] += (long long)rest * strides[m][0];
  }
}

/** The offset of output element `flat` in an operand with strides `s`, for output shape `shape`. */
__device__ __forceinline__ long long nerOffset(long long flat, const int *shape, const int *s, int rank) {
  const int *const strides[1] = {s};
  long long offsets[1];
  nerOffsetsN<1>(flat, shape, strides, rank, offsets);
  return offsets[0];
}

/** Two offsets at once (the binary ops): d.a is the output shape, d.b and d.c the strides. */
__device__ __forceinline__ void nerOffsets2(long long flat, const NerDims &d, long long &oa, long long &ob) {
  const int *const strides[2] = {d.b, d.c};
  long long offsets[2];
  nerOffsetsN<2>(flat, d.a, strides, d.rank, offsets);
  oa = offsets[0];
  ob = offsets[1];
}

// Block reductions: warp shuffles, then one value per warp through shared memory. Every thread
// of the block must call them (they synchronise), and every thread gets the result. Blocks of
// fewer than 32 threads (a power of two) reduce through shared memory alone, since a shuffle
// across lanes that do not exist is undefined.
template <typename T, typename Op>
__device__ __forceinline__ T nerBlockReduce(T v, T identity, Op op, T *scratch) {
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  __syncthreads();  // scratch may still be read by a previous reduction
  if (blockDim.x < 32) {
    scratch[threadIdx.x] = v;
    __syncthreads();
    for (int width = blockDim.x >> 1; width > 0; width >>= 1) {
      if ((int)threadIdx.x < width) scratch[threadIdx.x] = op(scratch[threadIdx.x], scratch[threadIdx.x + width]);
      __syncthreads();
    }
    const T result = scratch[0];
    __syncthreads();
    return result;
  }
  const int warps = blockDim.x >> 5;
  for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_xor_sync(0xffffffffu, v, o));
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  v = lane < warps ? scratch[lane] : identity;
  for (int o = 16; o > 0; o >>= 1) v = op(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

struct NerSumF {
  __device__ __forceinline__ float operator()(float a, float b) const { return a + b; }
};
struct NerMaxF {  // ignores NaN (fmaxf): callers that must propagate NaN use their own
  __device__ __forceinline__ float operator()(float a, float b) const { return fmaxf(a, b); }
};

/** `scratch` holds 32 floats of shared memory. */
__device__ __forceinline__ float nerBlockSum(float v, float *scratch) {
  return nerBlockReduce<float>(v, 0.0f, NerSumF(), scratch);
}

__device__ __forceinline__ float nerBlockMax(float v, float *scratch) {
  return nerBlockReduce<float>(v, -__int_as_float(0x7f800000), NerMaxF(), scratch);
}

#endif  // NER_DIMS_CUH
