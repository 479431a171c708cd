#include "kernels.h"

#ifdef NER_HAVE_OPENBLAS
#include <cblas.h>
#endif

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <vector>

#include "parallel.h"

#include "vector_math.h"

namespace ner {

// Below this many elements a kernel runs on the calling thread: ~40 us of a cheap elementwise
// op. Waking a sleeping worker costs tens to hundreds of microseconds on a virtual machine
// (the idle vCPU is halted), so splitting smaller work made one-sentence inference slower
// and much noisier (measured: a 30-token LayerNorm 0.1-0.5 ms instead of ~10 us).
static constexpr size_t kGrain = 1 << 17;

// ---------------------------------------------------------------- GEMM

namespace {
// Every OpenBLAS call of the addon holds this lock. Debian's libopenblas0-pthread (0.3.21) is
// built with USE_THREAD=1, which makes concurrent calls safe on paper, but OpenBLAS has had a
// series of races between concurrent callers of its thread server and its buffer allocator
// (OpenBLAS issues 1416, 1755, 2126), and its thread count is process-wide: the batched path
// below sets it to 1 and back, which two worker_threads doing at once would leave at 1 for
// good (or change under a product running on the other thread). One product at a time loses
// little: each threaded OpenBLAS product already uses every core. Products on our own kernels
// do not take it.
std::mutex gBlasMutex;

// gemm()'s kernel when the AVX-512 panel kernel is off (panel_gemm.cc keeps that switch, so
// NER_NATIVE_PANEL_GEMM=0 and setPanelGemm keep working): OpenBLAS when linked, else ours.
std::atomic<int> gFallback{static_cast<int>(builtWithOpenBlas() ? GemmKernel::kOpenBlas
                                            : canAvx2Gemm()     ? GemmKernel::kAvx2
                                                                : GemmKernel::kGeneric)};
}  // namespace

bool builtWithOpenBlas() {
#ifdef NER_HAVE_OPENBLAS
  return true;
#else
  return false;
#endif
}

GemmKernel gemmKernel() {
  return panelGemmEnabled() ? GemmKernel::kAvx512 : static_cast<GemmKernel>(gFallback.load(std::memory_order_relaxed));
}

bool setGemmKernel(GemmKernel kernel) {
  switch (kernel) {
    case GemmKernel::kAvx512: return setPanelGemm(true);
    case GemmKernel::kOpenBlas: if (!builtWithOpenBlas()) return false; break;
    case GemmKernel::kAvx2: if (!canAvx2Gemm()) return false; break;
    case GemmKernel::kGeneric: break;
    default: return false;
  }
  gFallback.store(static_cast<int>(kernel), std::memory_order_relaxed);
  setPanelGemm(false);
  return true;
}

const char *gemmKernelName(GemmKernel kernel) {
  switch (kernel) {
    case GemmKernel::kAvx512: return "avx512";
    case GemmKernel::kOpenBlas: return "openblas";
    case GemmKernel::kAvx2: return "avx2";
    default: return "generic";
  }
}

void setBlasThreads(int n) {
#ifdef NER_HAVE_OPENBLAS
  std::lock_guard<std::mutex> lock(gBlasMutex);
  openblas_set_num_threads(n);
#else
  (void)n;
#endif
}

void gemm(const float *a, const float *b, float *c, const int64_t *aOffsets, const int64_t *bOffsets,
          size_t batch, int m, int n, int k, bool transA, bool transB) {
  const size_t mn = static_cast<size_t>(m) * n;
  if (k == 0) {
    std::fill(c, c + batch * mn, 0.0f);
    return;
  }
  const GemmKernel kernel = gemmKernel();
  // AVX-512 CPUs: our own kernel (see panel_gemm.cc for why), unless switched off.
  if (kernel == GemmKernel::kAvx512) {
    panelGemmBatch(a, b, c, aOffsets, bOffsets, batch, m, n, k, transA, transB);
    return;
  }
  if (kernel != GemmKernel::kOpenBlas) {
    portableGemmBatch(kernel, a, b, c, aOffsets, bOffsets, batch, m, n, k, transA, transB);
    return;
  }
#ifdef NER_HAVE_OPENBLAS
  const int lda = transA ? m : k;
  const int ldb = transB ? k : n;
  const CBLAS_TRANSPOSE ta = transA ? CblasTrans : CblasNoTrans;
  const CBLAS_TRANSPOSE tb = transB ? CblasTrans : CblasNoTrans;
  const double flops = 2.0 * m * n * k;
  std::lock_guard<std::mutex> lock(gBlasMutex);
  // Many small products (attention scores: batch * heads of T x d x T): OpenBLAS would run
  // each on one thread anyway, so spread the batch over our threads with OpenBLAS at one thread.
  if (batch > 1 && flops < 4e6 && numThreads() > 1) {
    int saved = openblas_get_num_threads();
    openblas_set_num_threads(1);
    parallelFor(batch, 1, [&](size_t begin, size_t end) {
      for (size_t i = begin; i < end; i++) {
        cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, a + aOffsets[i], lda, b + bOffsets[i], ldb, 0.0f,
                    c + i * mn, n);
      }
    });
    openblas_set_num_threads(saved);
    return;
  }
  for (size_t i = 0; i < batch; i++) {
    cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, a + aOffsets[i], lda, b + bOffsets[i], ldb, 0.0f,
                c + i * mn, n);
  }
#endif
}

// ---------------------------------------------------------------- unary

NER_SIMD static void unaryRange(int op, const float *x, float *out, size_t n) {
  switch (op) {
    case kExp: for (size_t i = 0; i < n; i++) out[i] = std::exp(x[i]); break;
    case kLog: for (size_t i = 0; i < n; i++) out[i] = std::log(x[i]); break;
    case kSqrt: for (size_t i = 0; i < n; i++) out[i] = std::sqrt(x[i]); break;
    case kRsqrt: for (size_t i = 0; i < n; i++) out[i] = 1.0f / std::sqrt(x[i]); break;
    case kSquare: for (size_t i = 0; i < n; i++) out[i] = x[i] * x[i]; break;
    case kTanh: for (size_t i = 0; i < n; i++) out[i] = std::tanh(x[i]); break;
    case kErf: for (size_t i = 0; i < n; i++) out[i] = std::isnan(x[i]) ? x[i] : erfRational(x[i]); break;
    case kNeg: for (size_t i = 0; i < n; i++) out[i] = -x[i]; break;
    case kSigmoid: for (size_t i = 0; i < n; i++) out[i] = 1.0f / (1.0f + std::exp(-x[i])); break;
    case kRelu: for (size_t i = 0; i < n; i++) out[i] = x[i] > 0.0f ? x[i] : (std::isnan(x[i]) ? x[i] : 0.0f); break;
    case kAbs: for (size_t i = 0; i < n; i++) out[i] = std::fabs(x[i]); break;
    case kReciprocal: for (size_t i = 0; i < n; i++) out[i] = 1.0f / x[i]; break;
    case kLog1p: for (size_t i = 0; i < n; i++) out[i] = std::log1p(x[i]); break;
    default: break;
  }
}

void unary(int op, const float *x, float *out, size_t n) {
  // Transcendentals are ~10x dearer per element than a multiply: split them sooner.
  size_t grain = (op == kSquare || op == kNeg || op == kAbs || op == kRelu) ? kGrain : kGrain / 8;
  parallelFor(n, grain, [&](size_t begin, size_t end) { unaryRange(op, x + begin, out + begin, end - begin); });
}

// ---------------------------------------------------------------- binary

template <int Op>
static inline float apply(float x, float y) {
  if constexpr (Op == kAdd) return x + y;
  if constexpr (Op == kSub) return x - y;
  if constexpr (Op == kMul) return x * y;
  if constexpr (Op == kDiv) return x / y;
  if constexpr (Op == kMaximum) return (std::isnan(x) || std::isnan(y)) ? NAN : (x > y ? x : y);
  if constexpr (Op == kMinimum) return (std::isnan(x) || std::isnan(y)) ? NAN : (x < y ? x : y);
  if constexpr (Op == kPow) return std::pow(x, y);
  if constexpr (Op == kSquaredDifference) {
    float d = x - y;
    return d * d;
  }
  return 0.0f;
}

// Inner (contiguous) loop with each input's stride 0 or 1, specialised so the compiler vectorises it.
// Comparisons (op codes offset by 100 so they share the templates), NaN compares false except !=.
template <int Op>
static inline uint8_t applyCompare(float x, float y) {
  if constexpr (Op == 100 + kGreater) return x > y;
  if constexpr (Op == 100 + kGreaterEqual) return x >= y;
  if constexpr (Op == 100 + kLess) return x < y;
  if constexpr (Op == 100 + kLessEqual) return x <= y;
  if constexpr (Op == 100 + kEqual) return x == y;
  if constexpr (Op == 100 + kNotEqual) return x != y;
  return 0;
}

template <int Op, typename Out>
static inline Out applyAny(float x, float y) {
  if constexpr (Op >= 100) return applyCompare<Op>(x, y);
  else return apply<Op>(x, y);
}

template <int Op, typename Out>
NER_SIMD static void binaryRow(const float *a, const float *b, Out *out, size_t n, bool aStep, bool bStep) {
  if (aStep && bStep) {
    for (size_t i = 0; i < n; i++) out[i] = applyAny<Op, Out>(a[i], b[i]);
  } else if (aStep) {
    const float y = b[0];
    for (size_t i = 0; i < n; i++) out[i] = applyAny<Op, Out>(a[i], y);
  } else if (bStep) {
    const float x = a[0];
    for (size_t i = 0; i < n; i++) out[i] = applyAny<Op, Out>(x, b[i]);
  } else {
    const Out v = applyAny<Op, Out>(a[0], b[0]);
    for (size_t i = 0; i < n; i++) out[i] = v;
  }
}

template <int Op, typename Out = float>
static void binaryImpl(const float *a, const float *b, Out *out, int rank, const int64_t *dims,
                       const int64_t *aStrides, const int64_t *bStrides) {
  const size_t inner = static_cast<size_t>(dims[rank - 1]);
  const int64_t sa = aStrides[rank - 1];
  const int64_t sb = bStrides[rank - 1];
  size_t outer = 1;
  for (int d = 0; d < rank - 1; d++) outer *= static_cast<size_t>(dims[d]);
  if (outer == 0 || inner == 0) return;
  // Few long rows (same-shape or scalar operands collapse to one row): split each row instead.
  if (outer < static_cast<size_t>(numThreads()) && inner >= 2 * kGrain) {
    for (size_t row = 0; row < outer; row++) {
      int64_t offA = 0, offB = 0;
      size_t rem = row;
      for (int d = rank - 2; d >= 0; d--) {
        int64_t i = static_cast<int64_t>(rem % static_cast<size_t>(dims[d]));
        rem /= static_cast<size_t>(dims[d]);
        offA += i * aStrides[d];
        offB += i * bStrides[d];
      }
      parallelFor(inner, kGrain, [&](size_t begin, size_t end) {
        binaryRow<Op, Out>(a + offA + (sa ? begin : 0), b + offB + (sb ? begin : 0), out + row * inner + begin,
                           end - begin, sa != 0, sb != 0);
      });
    }
    return;
  }
  // Rows per task so that each task has at least kGrain elements.
  size_t rowGrain = std::max<size_t>(1, kGrain / inner);
  parallelFor(outer, rowGrain, [&](size_t begin, size_t end) {
    std::vector<int64_t> idx(rank > 1 ? rank - 1 : 1, 0);
    int64_t offA = 0, offB = 0;
    size_t rem = begin;
    for (int d = rank - 2; d >= 0; d--) {
      idx[d] = static_cast<int64_t>(rem % static_cast<size_t>(dims[d]));
      rem /= static_cast<size_t>(dims[d]);
      offA += idx[d] * aStrides[d];
      offB += idx[d] * bStrides[d];
    }
    for (size_t row = begin; row < end; row++) {
      binaryRow<Op, Out>(a + offA, b + offB, out + row * inner, inner, sa != 0, sb != 0);
      for (int d = rank - 2; d >= 0; d--) {
        idx[d]++;
        offA += aStrides[d];
        offB += bStrides[d];
        if (idx[d] < dims[d]) break;
        offA -= aStrides[d] * dims[d];
        offB -= bStrides[d] * dims[d];
        idx[d] = 0;
      }
    }
  });
}

void binary(int op, const float *a, const float *b, float *out, int rank, const int64_t *dims,
            const int64_t *aStrides, const int64_t *bStrides) {
  switch (op) {
    case kAdd: binaryImpl<kAdd>(a, b, out, rank, dims, aStrides, bStrides); break;
    case kSub: binaryImpl<kSub>(a, b, out, rank, dims, aStrides, bStrides); break;
    case kMul: binaryImpl<kMul>(a, b, out, rank, dims, aStrides, bStrides); break;
    case kDiv: binaryImpl<kDiv>(a, b, out, rank, dims, aStrides, bStrides); break;
    case kMaximum: binaryImpl<kMaximum>(a, b, out, rank, dims, aStrides, bStrides); break;
    case kMinimum: binaryImpl<kMinimum>(a, b, out, rank, dims, aStrides, bStrides); break;
    case kPow: binaryImpl<kPow>(a, b, out, rank, dims, aStrides, bStrides); break;
    case kSquaredDifference: binaryImpl<kSquaredDifference>(a, b, out, rank, dims, aStrides, bStrides); break;
    default: break;
  }
}

void compare(int op, const float *a, const float *b, uint8_t *out, int rank, const int64_t *dims,
             const int64_t *aStrides, const int64_t *bStrides) {
  switch (op) {
    case kGreater: binaryImpl<100 + kGreater, uint8_t>(a, b, out, rank, dims, aStrides, bStrides); break;
    case kGreaterEqual: binaryImpl<100 + kGreaterEqual, uint8_t>(a, b, out, rank, dims, aStrides, bStrides); break;
    case kLess: binaryImpl<100 + kLess, uint8_t>(a, b, out, rank, dims, aStrides, bStrides); break;
    case kLessEqual: binaryImpl<100 + kLessEqual, uint8_t>(a, b, out, rank, dims, aStrides, bStrides); break;
    case kEqual: binaryImpl<100 + kEqual, uint8_t>(a, b, out, rank, dims, aStrides, bStrides); break;
    case kNotEqual: binaryImpl<100 + kNotEqual, uint8_t>(a, b, out, rank, dims, aStrides, bStrides); break;
    default: break;
  }
}

// ---------------------------------------------------------------- reductions

// Sums are accumulated in double, as the cpu backend does with JS numbers.
NER_SIMD static double sumRow(const float *x, size_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += x[i];
    s1 += x[i + 1];
    s2 += x[i + 2];
    s3 += x[i + 3];
  }
  for (; i < n; i++) s0 += x[i];
  return (s0 + s1) + (s2 + s3);
}

NER_SIMD static void accumulateRow(double *acc, const float *x, size_t n) {
  for (size_t i = 0; i < n; i++) acc[i] += x[i];
}

static float extremeRow(const float *x, size_t n, bool isMax) {
  float best = x[0];
  for (size_t i = 1; i < n; i++) {
    float v = x[i];
    if (std::isnan(v)) return NAN;
    if (isMax ? v > best : v < best) best = v;
  }
  return best;
}

void reduce(int op, const float *x, float *out, size_t outer, size_t r, size_t inner) {
  const bool isSum = op == kSum || op == kMean;
  const double scale = op == kMean ? 1.0 / static_cast<double>(r) : 1.0;
  if (r == 0) {
    // Empty reductions give what tfjs' cpu backend gives, so a model does not change its
    // answers with the backend: its Mean is Sum(x / n), 0 like the sum of nothing, and its
    // Max / Min start from the first element, which is not there (undefined, so NaN).
    std::fill(out, out + outer * inner, isSum ? 0.0f : NAN);
    return;
  }
  if (inner == 1) {
    size_t grain = std::max<size_t>(1, kGrain / r);
    parallelFor(outer, grain, [&](size_t begin, size_t end) {
      for (size_t o = begin; o < end; o++) {
        const float *row = x + o * r;
        out[o] = isSum ? static_cast<float>(sumRow(row, r) * scale) : extremeRow(row, r, op == kMax);
      }
    });
    return;
  }
  // Reduce over a middle axis: walk the r rows of each outer block, columns split across threads.
  for (size_t o = 0; o < outer; o++) {
    const float *block = x + o * r * inner;
    float *dst = out + o * inner;
    size_t grain = std::max<size_t>(64, kGrain / r);
    parallelFor(inner, grain, [&](size_t begin, size_t end) {
      size_t width = end - begin;
      if (isSum) {
        std::vector<double> acc(width, 0.0);
        for (size_t j = 0; j < r; j++) accumulateRow(acc.data(), block + j * inner + begin, width);
        for (size_t i = 0; i < width; i++) dst[begin + i] = static_cast<float>(acc[i] * scale);
      } else {
        const bool isMax = op == kMax;
        for (size_t i = 0; i < width; i++) dst[begin + i] = block[begin + i];
        for (size_t j = 1; j < r; j++) {
          const float *row = block + j * inner + begin;
          for (size_t i = 0; i < width; i++) {
            float v = row[i];
            float &d = dst[begin + i];
            if (std::isnan(v) || std::isnan(d)) d = NAN;
            else if (isMax ? v > d : v < d) d = v;
          }
        }
      }
    });
  }
}

// ---------------------------------------------------------------- softmax

NER_SIMD static void softmaxRow(const float *x, float *out, size_t n) {
  float mx = x[0];
  for (size_t i = 1; i < n; i++) mx = x[i] > mx ? x[i] : mx;
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    float e = std::exp(x[i] - mx);
    out[i] = e;
    sum += e;
  }
  const float inv = static_cast<float>(1.0 / sum);
  for (size_t i = 0; i < n; i++) out[i] *= inv;
}

void softmax(const float *x, float *out, size_t rows, size_t cols) {
  if (cols == 0) return;
  size_t grain = std::max<size_t>(1, kGrain / 8 / cols);
  parallelFor(rows, grain, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; r++) softmaxRow(x + r * cols, out + r * cols, cols);
  });
}

NER_SIMD static void softmaxGradRow(const float *dy, const float *y, float *dx, size_t n) {
  // The composite's Multiply then Sum: the float products go into dx first and are summed by the
  // reduction's own sumRow; dx then takes the result.
  for (size_t i = 0; i < n; i++) dx[i] = dy[i] * y[i];
  const float s = static_cast<float>(sumRow(dx, n));
  for (size_t j = 0; j < n; j++) dx[j] = y[j] * (dy[j] - s);
}

void softmaxGrad(const float *dy, const float *y, float *dx, size_t rows, size_t cols) {
  if (cols == 0) return;
  size_t grain = std::max<size_t>(1, kGrain / 4 / cols);
  parallelFor(rows, grain, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; r++) softmaxGradRow(dy + r * cols, y + r * cols, dx + r * cols, cols);
  });
}

// ---------------------------------------------------------------- transpose

// A matrix (rows x cols) transposed in 32 x 32 blocks, so both sides stay in cache lines: the
// general loop below reads a column with a stride of a whole row per element (~20% slower for a
// 1024 x 3072 matrix at 2 threads).
static void transposeMatrix(const uint32_t *x, uint32_t *out, size_t rows, size_t cols) {
  constexpr size_t kBlock = 32;
  parallelFor((cols + kBlock - 1) / kBlock, std::max<size_t>(1, kGrain / (kBlock * rows)), [&](size_t first, size_t last) {
    for (size_t block = first; block < last; block++) {
      const size_t j0 = block * kBlock, j1 = std::min(cols, j0 + kBlock);
      for (size_t i0 = 0; i0 < rows; i0 += kBlock) {
        const size_t i1 = std::min(rows, i0 + kBlock);
        for (size_t j = j0; j < j1; j++)
          for (size_t i = i0; i < i1; i++) out[j * rows + i] = x[i * cols + j];
      }
    }
  });
}

void transpose(const uint32_t *x, uint32_t *out, int rank, const int64_t *shape, const int64_t *perm) {
  if (rank == 2 && perm[0] == 1 && perm[1] == 0) {
    transposeMatrix(x, out, static_cast<size_t>(shape[0]), static_cast<size_t>(shape[1]));
    return;
  }
  std::vector<int64_t> inStrides(rank);
  int64_t s = 1;
  for (int d = rank - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= shape[d];
  }
  std::vector<int64_t> outDims(rank), srcStride(rank);
  for (int d = 0; d < rank; d++) {
    outDims[d] = shape[perm[d]];
    srcStride[d] = inStrides[perm[d]];
  }
  const size_t inner = static_cast<size_t>(outDims[rank - 1]);
  const int64_t innerStride = srcStride[rank - 1];
  size_t outer = 1;
  for (int d = 0; d < rank - 1; d++) outer *= static_cast<size_t>(outDims[d]);
  if (outer == 0 || inner == 0) return;
  size_t rowGrain = std::max<size_t>(1, kGrain / inner);
  parallelFor(outer, rowGrain, [&](size_t begin, size_t end) {
    std::vector<int64_t> idx(rank > 1 ? rank - 1 : 1, 0);
    int64_t off = 0;
    size_t rem = begin;
    for (int d = rank - 2; d >= 0; d--) {
      idx[d] = static_cast<int64_t>(rem % static_cast<size_t>(outDims[d]));
      rem /= static_cast<size_t>(outDims[d]);
      off += idx[d] * srcStride[d];
    }
    for (size_t row = begin; row < end; row++) {
      uint32_t *dst = out + row * inner;
      const uint32_t *src = x + off;
      if (innerStride == 1) {
        std::memcpy(dst, src, inner * sizeof(uint32_t));
      } else {
        for (size_t i = 0; i < inner; i++) dst[i] = src[i * innerStride];
      }
      for (int d = rank - 2; d >= 0; d--) {
        idx[d]++;
        off += srcStride[d];
        if (idx[d] < outDims[d]) break;
        off -= srcStride[d] * outDims[d];
        idx[d] = 0;
      }
    }
  });
}

// ---------------------------------------------------------------- gather / scatter

int64_t gather(const uint32_t *params, const int32_t *indices, uint32_t *out, size_t outer, size_t axisDim,
               size_t inner, size_t nIdx) {
  for (size_t j = 0; j < nIdx; j++) {
    if (indices[j] < 0 || static_cast<size_t>(indices[j]) >= axisDim) return static_cast<int64_t>(j);
  }
  size_t rows = outer * nIdx;
  size_t grain = std::max<size_t>(1, kGrain / std::max<size_t>(1, inner));
  parallelFor(rows, grain, [&](size_t begin, size_t end) {
    for (size_t row = begin; row < end; row++) {
      size_t o = row / nIdx;
      size_t j = row % nIdx;
      std::memcpy(out + row * inner, params + (o * axisDim + static_cast<size_t>(indices[j])) * inner,
                  inner * sizeof(uint32_t));
    }
  });
  return -1;
}

NER_SIMD static void addRow(float *dst, const float *src, size_t n) {
  for (size_t i = 0; i < n; i++) dst[i] += src[i];
}

int64_t scatterAdd(const int32_t *indices, size_t k, const int64_t *strides, const float *updates, float *out,
                   size_t nRows, size_t sliceSize, size_t outRows, bool skipInvalid) {
  std::vector<int64_t> rows(nRows);
  for (size_t i = 0; i < nRows; i++) {
    int64_t row = 0;
    bool bad = false;
    for (size_t j = 0; j < k; j++) {
      int32_t v = indices[i * k + j];
      if (v < 0) bad = true;
      row += static_cast<int64_t>(v) * strides[j];
    }
    if (bad || row < 0 || static_cast<size_t>(row) >= outRows) {
      if (!skipInvalid) return static_cast<int64_t>(i);
      row = -1;
    }
    rows[i] = row;
  }
  // Duplicate rows add up: split the columns (not the rows) across threads so no two write one cell.
  size_t grain = std::max<size_t>(64, kGrain / std::max<size_t>(1, nRows));
  parallelFor(sliceSize, grain, [&](size_t begin, size_t end) {
    for (size_t i = 0; i < nRows; i++) {
      if (rows[i] < 0) continue;
      addRow(out + static_cast<size_t>(rows[i]) * sliceSize + begin, updates + i * sliceSize + begin, end - begin);
    }
  });
  return -1;
}

// ---------------------------------------------------------------- AdamW

NER_SIMD static void adamwRange(const float *param, const float *grad, const float *m, const float *v,
                                float *outParam, float *outM, float *outV, size_t n, float decayFactor,
                                float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2,
                                float biasCorrection2Sqrt, float eps, float negStep, float gradMultiplier) {
  // In place, the outputs are the inputs (outParam == param, outM == m, outV == v): element i
  // only reads and writes index i, so there is no dependence between iterations. GCC cannot
  // prove that for seven pointers and left this loop scalar (sqrtss/divss, ~11 ms per step
  // for the main job's 2.1M-parameter embedding); ivdep lets it vectorise, with the same
  // operations per element in the same order, so the results are bit for bit those of before.
#pragma GCC ivdep
  for (size_t i = 0; i < n; i++) {
    // The gradient times the multiplier, rounded to float (a product that only feeds other
    // products and sums: x * 1 is x, so without a multiplier the bits are those of before).
    const float g = grad[i] * gradMultiplier;
    const float decayed = param[i] * decayFactor;
    const float expAvg = m[i] * beta1 + g * oneMinusBeta1;
    const float expAvgSq = v[i] * beta2 + (g * oneMinusBeta2) * g;
    const float denom = std::sqrt(expAvgSq) / biasCorrection2Sqrt + eps;
    outParam[i] = decayed + (expAvg / denom) * negStep;
    outM[i] = expAvg;
    outV[i] = expAvgSq;
  }
}

void adamw(const float *param, const float *grad, const float *m, const float *v, float *outParam,
           float *outM, float *outV, size_t n, double decayFactor, double beta1, double beta2,
           double biasCorrection2Sqrt, double eps, double stepSize, float gradMultiplier) {
  const float f[8] = {static_cast<float>(decayFactor), static_cast<float>(beta1), static_cast<float>(1.0 - beta1),
                      static_cast<float>(beta2),       static_cast<float>(1.0 - beta2),
                      static_cast<float>(biasCorrection2Sqrt), static_cast<float>(eps),
                      static_cast<float>(-stepSize)};
  parallelFor(n, kGrain, [&](size_t begin, size_t end) {
    adamwRange(param + begin, grad + begin, m + begin, v + begin, outParam + begin, outM + begin, outV + begin,
               end - begin, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], gradMultiplier);
  });
}

}  // namespace ner
