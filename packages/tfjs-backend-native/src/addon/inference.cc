// Inference-only fused kernels (see inference.h): products on packed weights with their
// epilogue (bias, GELU, residual + LayerNorm) in the same call, and attention over batch x heads
// on the fused QKV product, without the split / merge transposes of the composite ops.
#include "inference.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels.h"
#include "parallel.h"
#include "vector_math.h"

namespace ner {

namespace {

constexpr size_t kLanes = 16;  // independent partial sums: lets GCC vectorise the reductions

NER_SIMD float dot(const float *a, const float *b, size_t n) {
  float acc[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (size_t j = 0; j < kLanes; j++) acc[j] += a[i + j] * b[i + j];
  float s = 0.0f;
  for (size_t j = 0; j < kLanes; j++) s += acc[j];
  for (; i < n; i++) s += a[i] * b[i];
  return s;
}

NER_SIMD void axpy(float *y, float alpha, const float *x, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

NER_SIMD void addRows(float *y, const float *residual, size_t count) {
  for (size_t i = 0; i < count; i++) y[i] += residual[i];
}

NER_SIMD void addBias(float *y, const float *bias, size_t rows, size_t n) {
  for (size_t r = 0; r < rows; r++)
    for (size_t j = 0; j < n; j++) y[r * n + j] += bias[j];
}

}  // namespace

// Softmax of one score row in place: max-subtracted, the sum in double as the Softmax kernel.
NER_SIMD void softmaxRow(float *row, size_t n) {
  float mx = row[0];
  for (size_t j = 1; j < n; j++) mx = row[j] > mx ? row[j] : mx;
  for (size_t j = 0; j < n; j++) row[j] = expPoly(row[j] - mx);
  double sum = 0;
  for (size_t j = 0; j < n; j++) sum += row[j];
  const float inv = static_cast<float>(1.0 / sum);
  for (size_t j = 0; j < n; j++) row[j] *= inv;
}

namespace {

// One (batch entry, head): scores, mask, softmax, context.
void attendHead(const float *qkv, const float *mask, float *out, int length, int hidden, int d, float scale,
                bool scaleQueryFirst, float *scores, float *query) {
  const size_t ld = 3 * static_cast<size_t>(hidden);
  const float *k = qkv + hidden;
  const float *v = qkv + 2 * static_cast<size_t>(hidden);
  for (int i = 0; i < length; i++) {
    const float *qi = qkv + i * ld;
    if (scaleQueryFirst) {
      for (int c = 0; c < d; c++) query[c] = qi[c] / scale;
      qi = query;
    }
    float *row = scores;
    for (int j = 0; j < length; j++) {
      float s = dot(qi, k + j * ld, static_cast<size_t>(d));
      if (!scaleQueryFirst) s = s / scale;
      row[j] = mask ? s + mask[j] : s;
    }
    softmaxRow(row, static_cast<size_t>(length));
    float *o = out + static_cast<size_t>(i) * hidden;
    std::fill(o, o + d, 0.0f);
    for (int j = 0; j < length; j++) axpy(o, row[j], v + j * ld, static_cast<size_t>(d));
  }
}

}  // namespace

void linearForward(const float *x, const LinearWeight &w, float *y, int m, int n, int k, bool gelu) {
  if (w.packedBf16) {
    panelGemmBf16(x, w.packedBf16, w.bf16Pairs, w.bias, y, m, n, k, gelu);
    return;
  }
  if (w.packed) {
    panelGemm(x, false, w.packed, w.bias, y, m, n, k, true, gelu);
    return;
  }
  const int64_t zero = 0;
  gemm(x, w.weight, y, &zero, &zero, 1, m, n, k, false, true);
  if (w.bias) addBias(y, w.bias, static_cast<size_t>(m), static_cast<size_t>(n));
  if (gelu) geluErf(y, y, static_cast<size_t>(m) * n);
}

void residualLayerNormInPlace(float *y, const float *residual, const float *gamma, const float *beta, size_t rows,
                              size_t n, float eps) {
  addRows(y, residual, rows * n);
  // Per-row statistics the training kernel keeps for its gradient; here scratch.
  thread_local std::vector<float> stats;
  if (stats.size() < 2 * rows) stats.resize(2 * rows);
  layerNorm(y, gamma, beta, y, stats.data(), stats.data() + rows, rows, n, eps);
}

void selfAttention(const float *qkv, const float *mask, float *out, int batch, int length, int heads, int d,
                   bool scaleQueryFirst) {
  const int hidden = heads * d;
  // sqrt(head size) rounded to float32, as the composite op divides by a float32 scalar.
  const float scale = static_cast<float>(std::sqrt(static_cast<double>(d)));
  const size_t tasks = static_cast<size_t>(batch) * heads;
  // ~2 MFLOP per thread before a worker is woken (see kGrain in kernels.cc).
  const double perTask = 4.0 * length * length * d;
  const size_t grain = std::max<size_t>(1, static_cast<size_t>(2e6 / std::max(1.0, perTask)));
  // AVX-512F: four queries at a time on registers (attention_avx512.cc); else one dot per pair.
  const bool wide = canPanelGemm();
  parallelFor(tasks, grain, [&](size_t first, size_t last) {
    thread_local std::vector<float> scratch;
    const size_t need = wide ? attentionScratchAvx512(length, d) : static_cast<size_t>(length) + d;
    if (scratch.size() < need) scratch.resize(need);
    for (size_t task = first; task < last; task++) {
      const size_t b = task / heads;
      const size_t h = task % heads;
      const size_t rowBase = b * length;
      const float *headQkv = qkv + rowBase * 3 * hidden + h * d;
      const float *headMask = mask ? mask + rowBase : nullptr;
      float *headOut = out + rowBase * hidden + h * d;
      if (wide)
        attendHeadAvx512(headQkv, headMask, headOut, length, hidden, d, scale, scaleQueryFirst, scratch.data());
      else
        attendHead(headQkv, headMask, headOut, length, hidden, d, scale, scaleQueryFirst, scratch.data(),
                   scratch.data() + length);
    }
  });
}

}  // namespace ner
