// Inference-only fused kernels of a post-LayerNorm transformer layer (inference.cc, bf16_gemm.cc):
// what one-sentence latency spends its time on is the number of kernels and their outputs, not
// the arithmetic, so a layer runs as five calls (QKV product, attention, output product +
// residual + LayerNorm, intermediate product + GELU, output product + residual + LayerNorm).
// No gradients: @ner/models calls them only when no tape is recording.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ner {

// A Linear weight in the form the products read: `packed` (packPanels of W, fp32) or
// `packedBf16` (packPanelsBf16, bf16) when there is one, else `weight` itself (n x k, PyTorch's
// [out, in]) through gemm().
struct LinearWeight {
  const float *weight = nullptr;
  const float *packed = nullptr;
  const uint16_t *packedBf16 = nullptr;
  bool bf16Pairs = false;  // packedBf16 in the pair layout (vdpbf16ps), see bf16_gemm.cc
  const float *bias = nullptr;
};

// y (m x n) = x (m x k) @ W^T + bias, then erf GELU when `gelu` (on each tile as it is finished,
// where the panel kernels run).
void linearForward(const float *x, const LinearWeight &w, float *y, int m, int n, int k, bool gelu);

// Epilogue in place on y (rows x n): LayerNorm(y + residual) with gamma, beta.
void residualLayerNormInPlace(float *y, const float *residual, const float *gamma, const float *beta, size_t rows,
                              size_t n, float eps);

// Multi-head self-attention on the fused QKV product: qkv is [batch * length, 3 * heads * d]
// (q, k, v side by side, each head's d columns contiguous), mask the additive mask [batch,
// length] (or null), out [batch * length, heads * d] with the heads merged. scaleQueryFirst:
// q / sqrt(d) before q k^T (DistilBERT) instead of the scores after (BERT).
void selfAttention(const float *qkv, const float *mask, float *out, int batch, int length, int heads, int d,
                   bool scaleQueryFirst);

// One row of attention scores to probabilities in place (max-subtracted, sum in double).
void softmaxRow(float *row, size_t n);

// One (batch entry, head) of selfAttention on AVX-512F (attention_avx512.cc): qkv and out at the
// head's first column, mask this batch entry's (or null); scratch of attentionScratchAvx512 floats.
size_t attentionScratchAvx512(int length, int d);
void attendHeadAvx512(const float *qkv, const float *mask, float *out, int length, int hidden, int d, float scale,
                      bool scaleQueryFirst, float *scratch);

// One encoder layer (encoder_layer.cc): the weights of its four products (qkv: the query, key and
// value weights stacked, [3H, H]) and its two LayerNorms.
struct EncoderLayer {
  LinearWeight qkv, attentionOutput, intermediate, output;
  const float *attentionNormGamma = nullptr, *attentionNormBeta = nullptr;
  const float *outputNormGamma = nullptr, *outputNormBeta = nullptr;
};

// Floats of scratch encoderLayerForward needs for `rows` tokens (batch x length).
size_t encoderLayerScratchSize(size_t rows, size_t hidden, size_t intermediate);

// y [batch * length, hidden] = the layer on x (same shape) with the additive mask [batch, length]
// (or null): LayerNorm(h + FFN(h)) with h = LayerNorm(x + Attention(x)), the FFN's activation erf
// GELU. Intermediates live in `scratch` (encoderLayerScratchSize floats); y must not overlap x.
void encoderLayerForward(const float *x, const float *mask, float *y, float *scratch, const EncoderLayer &layer,
                         int batch, int length, int hidden, int intermediate, int heads, bool scaleQueryFirst,
                         float eps);

// bf16 panels (bf16_gemm.cc): the layout of packPanels with each float rounded to bfloat16
// (nearest even), k rows one after another (pairs false) or interleaved in pairs (pairs true:
// needs AVX512_BF16 and an even k). panelGemmBf16 is panelGemm's contract on them with fp32
// accumulation: rows widen each weight exactly to fp32 (fp32 activations; AVX-512F), pairs round
// the activations to bf16 and multiply on vdpbf16ps.
void packPanelsBf16(const float *b, bool transB, int k, int n, uint16_t *packed, bool pairs);
void panelGemmBf16(const float *a, const uint16_t *packed, bool pairs, const float *bias, float *c, int m, int n,
                   int k, bool gelu);
// Whether the CPU has AVX512_BF16 (vdpbf16ps), which the pair layout needs.
bool cpuHasAvx512Bf16();

}  // namespace ner
