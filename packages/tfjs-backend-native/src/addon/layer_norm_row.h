// One row of the LayerNorm forward pass (fused.cc), shared with kernels that end in a LayerNorm of
// rows they build themselves (embeddings.cc): calling the very function NerLayerNorm runs keeps
// their output bit for bit NerLayerNorm's, whatever the compiler does to the arithmetic.
#pragma once

#include <cstddef>

namespace ner {

// y = (x - mean) * rstd * gamma + beta over the n values of one row, with mean and
// rstd = 1 / sqrt(variance + eps) written to *mean and *rstd. y may be x (in place).
void layerNormRow(const float *x, const float *gamma, const float *beta, float *y, size_t n, float eps, float *mean,
                  float *rstd);

}  // namespace ner
