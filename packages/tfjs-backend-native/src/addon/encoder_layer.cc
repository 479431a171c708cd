// One post-LayerNorm encoder layer for inference in one call (inference.h, encoderLayerForward):
// the five steps the fused kernels run one tfjs op each (QKV product, attention, output product +
// residual + LayerNorm, intermediate product + GELU, output product + residual + LayerNorm), here
// back to back on a caller's scratch. What a one-sentence forward saved by this is the tfjs
// bookkeeping between the steps (an output allocation, a tensor, engine tracking per op), not
// arithmetic: the steps are the same functions in the same order, so the output is bit for bit
// the five kernels' output.
#include "inference.h"

namespace ner {

size_t encoderLayerScratchSize(size_t rows, size_t hidden, size_t intermediate) {
  // qkv (3H) | attention context (H) | attention block's output (H) | GELU output (I), per row.
  return rows * (5 * hidden + intermediate);
}

void encoderLayerForward(const float *x, const float *mask, float *y, float *scratch, const EncoderLayer &layer,
                         int batch, int length, int hidden, int intermediate, int heads, bool scaleQueryFirst,
                         float eps) {
  const int rows = batch * length;
  const size_t r = static_cast<size_t>(rows), h = static_cast<size_t>(hidden);
  float *qkv = scratch;
  float *context = qkv + r * 3 * h;
  float *attended = context + r * h;
  float *inner = attended + r * h;
  linearForward(x, layer.qkv, qkv, rows, 3 * hidden, hidden, false);
  selfAttention(qkv, mask, context, batch, length, heads, hidden / heads, scaleQueryFirst);
  linearForward(context, layer.attentionOutput, attended, rows, hidden, hidden, false);
  residualLayerNormInPlace(attended, x, layer.attentionNormGamma, layer.attentionNormBeta, r, h, eps);
  linearForward(attended, layer.intermediate, inner, rows, intermediate, hidden, true);
  linearForward(inner, layer.output, y, rows, hidden, intermediate, false);
  residualLayerNormInPlace(y, attended, layer.outputNormGamma, layer.outputNormBeta, r, h, eps);
}

}  // namespace ner
