// The in-place AdamW step (NerAdamW), with the arithmetic of @ner/tfjs-backend-native's adamw
// (torch's single-tensor AdamW) in the same order, so the two agree to float rounding; and the
// same step over many tensors in one launch (NerAdamWMulti), as torch's multi-tensor apply does.
#include "ner_dims.cuh"

// A device address read from a table in device memory. The emulator (test/native/emu) defines
// its own, which maps the address into its heap.
#ifndef NER_TABLE_PTR
#define NER_TABLE_PTR(T, address) reinterpret_cast<T *>(address)
#endif

/**
 * The slot chunk `c` belongs to: the last whose firstChunk <= c (the multi-tensor kernels' slots
 * are in chunk order, each with at least one chunk).
 */
template <typename Slot>
__device__ __forceinline__ int nerSlotOfChunk(const Slot *slots, int count, int c) {
  int lo = 0;
  int hi = count - 1;
  while (lo < hi) {
    const int mid = (lo + hi + 1) / 2;
    if (slots[mid].firstChunk <= c) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

/** NerAdamWMulti's gradMultiplier: the value at `address`, or 1 where there is none (null). */
__device__ __forceinline__ float nerGradMultiplier(const float *address) {
  return address != nullptr ? *address : 1.0f;
}

/**
 * One element's step: both kernels run exactly this, so their results are the same bits. The
 * gradient is first multiplied by gradMultiplier, rounded to float (x * 1 is x).
 */
__device__ __forceinline__ void nerAdamwElement(const float *param, const float *grad, const float *m,
                                                const float *v, float *paramOut, float *mOut, float *vOut,
                                                long long i, float decayFactor, float beta1, float beta2,
                                                float biasCorrection2Sqrt, float eps, float stepSize,
                                                float gradMultiplier) {
  const float g = grad[i] * gradMultiplier;
  const float decayed = param[i] * decayFactor;
  const float expAvg = m[i] * beta1 + g * (1.0f - beta1);
  const float expAvgSq = v[i] * beta2 + (g * (1.0f - beta2)) * g;
  const float denom = sqrtf(expAvgSq) / biasCorrection2Sqrt + eps;
  paramOut[i] = decayed + (expAvg / denom) * -stepSize;
  mOut[i] = expAvg;
  vOut[i] = expAvgSq;
}

extern "C" __global__ void ner_adamw_f32(const float *param, const float *grad, const float *m, const float *v,
                                         float *paramOut, float *mOut, float *vOut, int n, float decayFactor,
                                         float beta1, float beta2, float biasCorrection2Sqrt, float eps,
                                         float stepSize, const float *gradMultiplier) {
  const float c = nerGradMultiplier(gradMultiplier);
  NER_GRID_LOOP(i, n) {
    nerAdamwElement(param, grad, m, v, paramOut, mOut, vOut, i, decayFactor, beta1, beta2, biasCorrection2Sqrt,
                    eps, stepSize, c);
  }
}

/**
 * One tensor of ner_adamw_multi_f32 (88 bytes; kernel-abi.ts' ADAMW_SLOT_BYTES, written by
 * src/kernels/fused.ts): device addresses of its inputs and outputs, its element count, the index
 * of its first chunk, and ner_adamw_f32's scalars.
 */
struct NerAdamWSlot {
  unsigned long long param, grad, m, v, paramOut, mOut, vOut;
  int n;
  int firstChunk;
  float decayFactor, beta1, beta2, biasCorrection2Sqrt, eps, stepSize;
};
static_assert(sizeof(NerAdamWSlot) == 88, "NerAdamWSlot is 88 bytes (kernel-abi.ts)");

extern "C" __global__ void ner_adamw_multi_f32(const NerAdamWSlot *slots, int count, int chunks, int chunkSize,
                                               const float *gradMultiplier) {
  const float multiplier = nerGradMultiplier(gradMultiplier);
  for (int c = blockIdx.x; c < chunks; c += gridDim.x) {
    const NerAdamWSlot s = slots[nerSlotOfChunk(slots, count, c)];
    const long long start = (long long)(c - s.firstChunk) * chunkSize;
    const long long end = start + chunkSize < s.n ? start + chunkSize : s.n;
    for (long long i = start + threadIdx.x; i < end; i += blockDim.x) {
      nerAdamwElement(NER_TABLE_PTR(const float, s.param), NER_TABLE_PTR(const float, s.grad),
                      NER_TABLE_PTR(const float, s.m), NER_TABLE_PTR(const float, s.v),
                      NER_TABLE_PTR(float, s.paramOut), NER_TABLE_PTR(float, s.mOut), NER_TABLE_PTR(float, s.vOut), i,
                      s.decayFactor, s.beta1, s.beta2, s.biasCorrection2Sqrt, s.eps, s.stepSize, multiplier);
    }
  }
}

/**
 * One tensor of ner_sum_squares_chunks_f32 and ner_sum_chunks_f32 (24 bytes; kernel-abi.ts'
 * SUM_SQUARES_SLOT_BYTES): its device address, element count (> 0), first chunk's index, and the
 * index of its sum in the output (empty tensors have no slot).
 */
struct NerSumSquaresSlot {
  unsigned long long x;
  int n;
  int firstChunk;
  int out;
  int unused;
};
static_assert(sizeof(NerSumSquaresSlot) == 24, "NerSumSquaresSlot is 24 bytes (kernel-abi.ts)");

// NerSumSquaresMulti, first pass: the sum of squares of each chunk of each tensor, one block per
// chunk, into partial[chunk]. Chunks and the block's tree fix the order of the additions, so the
// result does not depend on timing.
extern "C" __global__ void ner_sum_squares_chunks_f32(const NerSumSquaresSlot *slots, int count, int chunks,
                                                      int chunkSize, float *partial) {
  __shared__ float scratch[32];
  for (int c = blockIdx.x; c < chunks; c += gridDim.x) {
    const NerSumSquaresSlot s = slots[nerSlotOfChunk(slots, count, c)];
    const float *x = NER_TABLE_PTR(const float, s.x);
    const long long start = (long long)(c - s.firstChunk) * chunkSize;
    const long long end = start + chunkSize < s.n ? start + chunkSize : s.n;
    float acc = 0.0f;
    for (long long i = start + threadIdx.x; i < end; i += blockDim.x) acc += x[i] * x[i];
    const float total = nerBlockSum(acc, scratch);
    if (threadIdx.x == 0) partial[c] = total;
  }
}

// NerSumSquaresMulti, second pass: slot t's sum, its chunks' partial sums added by one block,
// into out[slot's out].
extern "C" __global__ void ner_sum_chunks_f32(const NerSumSquaresSlot *slots, int count, int chunkSize,
                                              const float *partial, float *out) {
  __shared__ float scratch[32];
  for (int t = blockIdx.x; t < count; t += gridDim.x) {
    const NerSumSquaresSlot s = slots[t];
    const int own = (int)(((long long)s.n + chunkSize - 1) / chunkSize);
    float acc = 0.0f;
    for (int k = threadIdx.x; k < own; k += blockDim.x) acc += partial[s.firstChunk + k];
    const float total = nerBlockSum(acc, scratch);
    if (threadIdx.x == 0) out[s.out] = total;
  }
}
