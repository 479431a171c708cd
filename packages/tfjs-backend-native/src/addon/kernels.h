// The native kernels, on raw float32 / 4-byte buffers. Shapes are checked by
// the TypeScript side before these are called; these functions only check what
// depends on data (index ranges) and report it through their return value.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ner {

// Op codes shared with src/addon-ops.ts (keep in sync).
enum UnaryOp : int {
  kExp = 0, kLog, kSqrt, kRsqrt, kSquare, kTanh, kErf, kNeg, kSigmoid, kRelu, kAbs,
  kReciprocal, kLog1p,
};
enum BinaryOp : int { kAdd = 0, kSub, kMul, kDiv, kMaximum, kMinimum, kPow, kSquaredDifference };
enum CompareOp : int { kGreater = 0, kGreaterEqual, kLess, kLessEqual, kEqual, kNotEqual };
enum ReduceOp : int { kSum = 0, kMean, kMax, kMin };

// openblas_set_num_threads under the lock that serialises the addon's OpenBLAS calls (a no-op
// in a build without OpenBLAS).
void setBlasThreads(int n);

// Who computes gemm(): the AVX-512 panel kernel, OpenBLAS (only when the addon was built with
// it: NER_HAVE_OPENBLAS), or our portable kernels (portable_gemm.cc). The default is the first
// that this CPU and build have, in that order, then AVX2 + FMA, then generic loops.
enum class GemmKernel : int { kAvx512 = 0, kOpenBlas, kAvx2, kGeneric };
// Whether this addon was linked against OpenBLAS.
bool builtWithOpenBlas();
GemmKernel gemmKernel();
// Switches gemm() at run time; returns false (and changes nothing) when this CPU or build lacks it.
bool setGemmKernel(GemmKernel kernel);
// "avx512", "openblas", "avx2", "generic".
const char *gemmKernelName(GemmKernel kernel);
bool canAvx2Gemm();
// gemm()'s contract on our portable kernels (kAvx2 or kGeneric).
void portableGemmBatch(GemmKernel kernel, const float *a, const float *b, float *c, const int64_t *aOffsets,
                       const int64_t *bOffsets, size_t batch, int m, int n, int k, bool transA, bool transB);

// C[batch] = op(A[aOffsets[batch]]) @ op(B[bOffsets[batch]]), row-major, C contiguous m x n per batch.
void gemm(const float *a, const float *b, float *c, const int64_t *aOffsets, const int64_t *bOffsets,
          size_t batch, int m, int n, int k, bool transA, bool transB);

// AVX-512 GEMM on B packed in 32-column panels (panel_gemm.cc). canPanelGemm(): this CPU has
// AVX-512F. packPanels writes packedPanelsSize(k, n) floats for op(B) (k x n; b stored n x k
// when transB). panelGemm: C (m x n) = op(A) @ packed op(B) (+ bias, n floats added to every
// row, when not null), A stored k x m when transA; gelu: erf GELU on each finished tile while it
// is in cache (the inference kernels' NerLinearGelu), instead of a pass over C afterwards.
// panelGemmBatch: gemm()'s contract, packing each B as it goes.
bool canPanelGemm();
// Whether gemm() uses it (default: canPanelGemm(), unless NER_NATIVE_PANEL_GEMM=0); setPanelGemm
// switches at run time and returns what is now in effect (false without AVX-512F).
bool panelGemmEnabled();
bool setPanelGemm(bool on);
size_t packedPanelsSize(int k, int n);
void packPanels(const float *b, bool transB, int k, int n, float *packed);
void panelGemm(const float *a, bool transA, const float *packed, const float *bias, float *c, int m, int n, int k,
               bool threaded, bool gelu = false);
void panelGemmBatch(const float *a, const float *b, float *c, const int64_t *aOffsets, const int64_t *bOffsets,
                    size_t batch, int m, int n, int k, bool transA, bool transB);

// Fused LayerNorm over the last axis (rows x n) and erf GELU, forward and backward (fused.cc).
// layerNorm also writes each row's mean and 1 / sqrt(var + eps) for layerNormGrad.
void layerNorm(const float *x, const float *gamma, const float *beta, float *y, float *mean, float *rstd,
               size_t rows, size_t n, float eps);
void layerNormGrad(const float *dy, const float *x, const float *gamma, const float *mean, const float *rstd,
                   float *dx, float *dgamma, float *dbeta, size_t rows, size_t n);
void geluErf(const float *x, float *y, size_t n);
void geluErfGrad(const float *dy, const float *x, float *dx, size_t n);

void unary(int op, const float *x, float *out, size_t n);

// Broadcasting binary op over `rank` collapsed dims; strides are in elements (0 = broadcast).
void binary(int op, const float *a, const float *b, float *out, int rank, const int64_t *dims,
            const int64_t *aStrides, const int64_t *bStrides);

// Broadcasting comparison: out is 0/1 bytes (tfjs bool storage).
void compare(int op, const float *a, const float *b, uint8_t *out, int rank, const int64_t *dims,
             const int64_t *aStrides, const int64_t *bStrides);

// x viewed as [outer, r, inner]; out is [outer, inner].
void reduce(int op, const float *x, float *out, size_t outer, size_t r, size_t inner);

void softmax(const float *x, float *out, size_t rows, size_t cols);

// Softmax's gradient over each row: dx = y * (dy - sum(dy * y)), each product rounded to float
// and summed as reduce() sums (so the composite ops' values bit for bit).
void softmaxGrad(const float *dy, const float *y, float *dx, size_t rows, size_t cols);

// 4-byte elements; out shape is shape[perm[i]].
void transpose(const uint32_t *x, uint32_t *out, int rank, const int64_t *shape, const int64_t *perm);

// params [outer, axisDim, inner] gathered at indices[nIdx] -> out [outer, nIdx, inner].
// Returns the position of the first out-of-range index, or -1.
int64_t gather(const uint32_t *params, const int32_t *indices, uint32_t *out, size_t outer, size_t axisDim,
               size_t inner, size_t nIdx);

// out[row(i), :] += updates[i, :] with row(i) = sum_j indices[i * k + j] * strides[j]; rows >= outRows or < 0
// are skipped when `skipInvalid`, else reported (position returned). out must be zeroed by the caller.
int64_t scatterAdd(const int32_t *indices, size_t k, const int64_t *strides, const float *updates, float *out,
                   size_t nRows, size_t sliceSize, size_t outRows, bool skipInvalid);

// One AdamW step (torch.optim.AdamW single-tensor path, in float32 like the tfjs op sequence).
// Scalars come as doubles and are rounded to float32 exactly where tfjs rounds them (each scalar
// operand of the op sequence, e.g. 1 - beta1 computed in double), so the results agree. Each
// gradient is first multiplied by gradMultiplier in float32 (NerAdamWMulti's gradMultiplier
// input; 1 leaves it as it is).
void adamw(const float *param, const float *grad, const float *m, const float *v, float *outParam,
           float *outM, float *outV, size_t n, double decayFactor, double beta1, double beta2,
           double biasCorrection2Sqrt, double eps, double stepSize, float gradMultiplier);

// bf16 autocast products (autocast_gemm.cc): gemm()'s contract with both operands rounded to
// bfloat16 and fp32 accumulation (aSize / bSize: the floats behind a and b). allowDot: may use
// vdpbf16ps where autocastDotAvailable() (AVX512_BF16 and the panel kernel).
bool autocastDotAvailable();
void gemmBf16(const float *a, size_t aSize, const float *b, size_t bSize, float *c, const int64_t *aOffsets,
              const int64_t *bOffsets, size_t batch, int m, int n, int k, bool transA, bool transB, bool allowDot);

}  // namespace ner
