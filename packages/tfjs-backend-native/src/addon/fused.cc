// Fused kernels for what BERT spends its elementwise time on: LayerNorm over the last axis and
// the erf GELU, forward and backward. Composed from tfjs ops, a LayerNorm is ~9 kernels (and
// its gradient ~20), each a pass over the activations with a fresh output; fused, the forward
// reads x once and writes y, keeping per-row mean and 1/std for the backward pass.
// @ner/models calls these through the kernel names NerLayerNorm(Grad) / NerGeluErf(Grad)
// when the active backend registers them, and its composite ops otherwise.
#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels.h"
#include "layer_norm_row.h"
#include "parallel.h"
#include "vector_math.h"

namespace ner {

namespace {

constexpr size_t kLanes = 16;  // independent partial sums: lets GCC vectorise the reductions

NER_SIMD float rowSum(const float *x, size_t n) {
  float acc[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (size_t j = 0; j < kLanes; j++) acc[j] += x[i + j];
  float s = 0.0f;
  for (size_t j = 0; j < kLanes; j++) s += acc[j];
  for (; i < n; i++) s += x[i];
  return s;
}

NER_SIMD float rowSquaredDeviation(const float *x, float mean, size_t n) {
  float acc[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (size_t j = 0; j < kLanes; j++) {
      const float d = x[i + j] - mean;
      acc[j] += d * d;
    }
  float s = 0.0f;
  for (size_t j = 0; j < kLanes; j++) s += acc[j];
  for (; i < n; i++) s += (x[i] - mean) * (x[i] - mean);
  return s;
}

NER_SIMD void normalizeRow(const float *x, const float *gamma, const float *beta, float *y, float mean, float rstd,
                           size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = (x[i] - mean) * rstd * gamma[i] + beta[i];
}

// One row of the LayerNorm gradient; adds this row's dgamma / dbeta terms into the partials.
NER_SIMD void layerNormGradRow(const float *dy, const float *x, const float *gamma, float mean, float rstd,
                               float *dx, float *dgamma, float *dbeta, size_t n) {
  float sumG[kLanes] = {}, sumGX[kLanes] = {};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (size_t j = 0; j < kLanes; j++) {
      const float xhat = (x[i + j] - mean) * rstd;
      const float g = dy[i + j] * gamma[i + j];
      sumG[j] += g;
      sumGX[j] += g * xhat;
    }
  float s1 = 0.0f, s2 = 0.0f;
  for (size_t j = 0; j < kLanes; j++) {
    s1 += sumG[j];
    s2 += sumGX[j];
  }
  for (; i < n; i++) {
    const float xhat = (x[i] - mean) * rstd;
    const float g = dy[i] * gamma[i];
    s1 += g;
    s2 += g * xhat;
  }
  const float meanG = s1 / static_cast<float>(n);
  const float meanGX = s2 / static_cast<float>(n);
  for (size_t k = 0; k < n; k++) {
    const float xhat = (x[k] - mean) * rstd;
    dx[k] = rstd * (dy[k] * gamma[k] - meanG - xhat * meanGX);
    dgamma[k] += dy[k] * xhat;
    dbeta[k] += dy[k];
  }
}

NER_SIMD void geluRange(const float *x, float *y, size_t n) {
  for (size_t i = 0; i < n; i++) y[i] = 0.5f * x[i] * (1.0f + erfRational(x[i] * 0.70710678118654752f));
}

NER_SIMD void geluGradRange(const float *dy, const float *x, float *dx, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const float cdf = 0.5f * (1.0f + erfRational(x[i] * 0.70710678118654752f));
    const float pdf = 0.39894228040143268f * expPoly(-0.5f * x[i] * x[i]);
    dx[i] = dy[i] * (cdf + x[i] * pdf);
  }
}

}  // namespace

void layerNormRow(const float *x, const float *gamma, const float *beta, float *y, size_t n, float eps, float *mean,
                  float *rstd) {
  const float m = rowSum(x, n) / static_cast<float>(n);
  const float variance = rowSquaredDeviation(x, m, n) / static_cast<float>(n);
  const float s = 1.0f / std::sqrt(variance + eps);
  *mean = m;
  *rstd = s;
  normalizeRow(x, gamma, beta, y, m, s, n);
}

void layerNorm(const float *x, const float *gamma, const float *beta, float *y, float *mean, float *rstd,
               size_t rows, size_t n, float eps) {
  const size_t grain = std::max<size_t>(1, (1 << 17) / std::max<size_t>(1, n));  // see kGrain in kernels.cc
  parallelFor(rows, grain, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; r++) layerNormRow(x + r * n, gamma, beta, y + r * n, n, eps, mean + r, rstd + r);
  });
}

void layerNormGrad(const float *dy, const float *x, const float *gamma, const float *mean, const float *rstd,
                   float *dx, float *dgamma, float *dbeta, size_t rows, size_t n) {
  // Rows split into a fixed number of blocks, each summing its own dgamma / dbeta, added up in
  // block order afterwards: the same result for the same thread count.
  const size_t blocks = std::min(rows, static_cast<size_t>(numThreads()));
  std::vector<float> partial(std::max<size_t>(1, blocks) * 2 * n, 0.0f);
  const size_t per = blocks ? (rows + blocks - 1) / blocks : 0;
  parallelFor(blocks, 1, [&](size_t first, size_t last) {
    for (size_t b = first; b < last; b++) {
      float *pg = partial.data() + b * 2 * n;
      float *pb = pg + n;
      for (size_t r = b * per; r < std::min(rows, (b + 1) * per); r++)
        layerNormGradRow(dy + r * n, x + r * n, gamma, mean[r], rstd[r], dx + r * n, pg, pb, n);
    }
  });
  std::fill(dgamma, dgamma + n, 0.0f);
  std::fill(dbeta, dbeta + n, 0.0f);
  for (size_t b = 0; b < blocks; b++) {
    const float *pg = partial.data() + b * 2 * n;
    for (size_t k = 0; k < n; k++) {
      dgamma[k] += pg[k];
      dbeta[k] += pg[n + k];
    }
  }
}

void geluErf(const float *x, float *y, size_t n) {
  parallelFor(n, 1 << 16, [&](size_t begin, size_t end) { geluRange(x + begin, y + begin, end - begin); });
}

void geluErfGrad(const float *dy, const float *x, float *dx, size_t n) {
  parallelFor(n, 1 << 16,
              [&](size_t begin, size_t end) { geluGradRange(dy + begin, x + begin, dx + begin, end - begin); });
}

}  // namespace ner
