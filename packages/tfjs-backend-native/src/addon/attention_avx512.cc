// One (batch entry, head) of the fused self-attention (inference.cc) on AVX-512F, four queries at a
// time: scores as rank-1 updates against the keys transposed once per head (32 keys per pair of
// registers), then mask and softmax per row, then the context as rank-1 updates of the value rows
// (64 head columns per four registers). The portable loop in inference.cc takes a dot product per
// (query, key) with a horizontal sum each; at ~30 tokens that made attention ~10% of a forward.
#include <algorithm>
#include <cstddef>
#include <cstring>

#include "inference.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

namespace ner {

namespace {

constexpr int kQueries = 4;  // queries per pass: 4 x 2 score accumulators, 4 x 4 context ones
#define NER_ATTN __attribute__((target("avx512f")))

NER_ATTN inline __mmask16 liveLanes(int remaining) {
  return static_cast<__mmask16>(remaining >= 16 ? 0xFFFF : remaining > 0 ? (1u << remaining) - 1 : 0);
}

// expPoly (vector_math.h) on 16 lanes: the same operations in the same order, without FMA.
NER_ATTN inline __m512 expVector(__m512 x) {
  const __m512 c = _mm512_min_ps(_mm512_set1_ps(88.3f), _mm512_max_ps(_mm512_set1_ps(-87.3f), x));
  const __m512 n =
      _mm512_roundscale_ps(_mm512_mul_ps(c, _mm512_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT);
  __m512 r = _mm512_sub_ps(c, _mm512_mul_ps(n, _mm512_set1_ps(0.693359375f)));
  r = _mm512_sub_ps(r, _mm512_mul_ps(n, _mm512_set1_ps(-2.12194440e-4f)));
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(_mm512_mul_ps(p, r), r), r), _mm512_set1_ps(1.0f));
  const __m512i bits = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
  return _mm512_mul_ps(p, _mm512_castsi512_ps(bits));
}

// softmaxRow (inference.cc) on 16 lanes: max-subtracted, the sum in double (in lanes, so in
// another order than the scalar loop: within a few float ulp of it).
NER_ATTN void softmaxRowAvx512(float *row, int n) {
  __m512 top = _mm512_set1_ps(-__builtin_inff());
  for (int j = 0; j < n; j += 16)
    top = _mm512_max_ps(top, _mm512_mask_loadu_ps(_mm512_set1_ps(-__builtin_inff()), liveLanes(n - j), row + j));
  const __m512 mx = _mm512_set1_ps(_mm512_reduce_max_ps(top));
  __m512d sum = _mm512_setzero_pd();
  for (int j = 0; j < n; j += 16) {
    const __mmask16 live = liveLanes(n - j);
    const __m512 e = _mm512_maskz_mov_ps(live, expVector(_mm512_sub_ps(_mm512_maskz_loadu_ps(live, row + j), mx)));
    _mm512_mask_storeu_ps(row + j, live, e);
    sum = _mm512_add_pd(sum, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
    sum = _mm512_add_pd(sum, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1))));
  }
  const __m512 inv = _mm512_set1_ps(static_cast<float>(1.0 / _mm512_reduce_add_pd(sum)));
  for (int j = 0; j < n; j += 16) {
    const __mmask16 live = liveLanes(n - j);
    _mm512_mask_storeu_ps(row + j, live, _mm512_mul_ps(_mm512_maskz_loadu_ps(live, row + j), inv));
  }
}

// scores[r][j] = query r . key j for 32 keys from j0, keysT [d][stride] (zero past the last key).
NER_ATTN void scoreBlock(const float *const (&query)[kQueries], const float *keysT, size_t stride, int d, int j0,
                         float *const (&scores)[kQueries]) {
  __m512 acc[kQueries][2];
  for (int r = 0; r < kQueries; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  for (int c = 0; c < d; c++) {
    const __m512 k0 = _mm512_loadu_ps(keysT + c * stride + j0);
    const __m512 k1 = _mm512_loadu_ps(keysT + c * stride + j0 + 16);
    for (int r = 0; r < kQueries; r++) {
      const __m512 q = _mm512_set1_ps(query[r][c]);
      acc[r][0] = _mm512_fmadd_ps(q, k0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(q, k1, acc[r][1]);
    }
  }
  for (int r = 0; r < kQueries; r++) {
    _mm512_storeu_ps(scores[r] + j0, acc[r][0]);
    _mm512_storeu_ps(scores[r] + j0 + 16, acc[r][1]);
  }
}

// out[r][c0 .. c0 + 64) = sum_j probs[r][j] * value row j, masked to the head's d columns.
NER_ATTN void contextBlock(const float *const (&probs)[kQueries], const float *values, size_t ld, int length,
                           int d, int c0, float *const (&out)[kQueries], int live) {
  __mmask16 lanes[4];
  for (int v = 0; v < 4; v++) lanes[v] = liveLanes(d - c0 - 16 * v);
  __m512 acc[kQueries][4];
  for (int r = 0; r < kQueries; r++)
    for (int v = 0; v < 4; v++) acc[r][v] = _mm512_setzero_ps();
  for (int j = 0; j < length; j++) {
    const float *row = values + j * ld + c0;
    __m512 value[4];
    for (int v = 0; v < 4; v++) value[v] = _mm512_maskz_loadu_ps(lanes[v], row + 16 * v);
    for (int r = 0; r < kQueries; r++) {
      const __m512 p = _mm512_set1_ps(probs[r][j]);
      for (int v = 0; v < 4; v++) acc[r][v] = _mm512_fmadd_ps(p, value[v], acc[r][v]);
    }
  }
  for (int r = 0; r < live; r++)
    for (int v = 0; v < 4; v++) _mm512_mask_storeu_ps(out[r] + c0 + 16 * v, lanes[v], acc[r][v]);
}

}  // namespace

size_t attentionScratchAvx512(int length, int d) {
  const size_t stride = (static_cast<size_t>(length) + 31) / 32 * 32;
  return static_cast<size_t>(d) * stride + kQueries * stride + kQueries * static_cast<size_t>(d);
}

NER_ATTN void attendHeadAvx512(const float *qkv, const float *mask, float *out, int length, int hidden, int d,
                               float scale, bool scaleQueryFirst, float *scratch) {
  const size_t ld = 3 * static_cast<size_t>(hidden);
  const size_t stride = (static_cast<size_t>(length) + 31) / 32 * 32;
  float *keysT = scratch;
  float *scoreRows = keysT + static_cast<size_t>(d) * stride;
  float *scaledQueries = scoreRows + kQueries * stride;
  const float *keys = qkv + hidden;
  const float *values = qkv + 2 * static_cast<size_t>(hidden);
  for (int c = 0; c < d; c++) {
    float *dst = keysT + c * stride;
    for (int j = 0; j < length; j++) dst[j] = keys[j * ld + c];
    std::fill(dst + length, dst + stride, 0.0f);
  }
  for (int i0 = 0; i0 < length; i0 += kQueries) {
    const int live = std::min(kQueries, length - i0);
    const float *query[kQueries];
    float *scores[kQueries];
    float *context[kQueries];
    for (int r = 0; r < kQueries; r++) {
      // Past the last query: repeat it (computed, never stored).
      const int i = i0 + std::min(r, live - 1);
      query[r] = qkv + i * ld;
      if (scaleQueryFirst) {
        // DistilBERT divides q by sqrt(d) before q k^T (a float32 division, as the composite op).
        float *scaled = scaledQueries + r * static_cast<size_t>(d);
        for (int c = 0; c < d; c++) scaled[c] = query[r][c] / scale;
        query[r] = scaled;
      }
      scores[r] = scoreRows + r * stride;
      context[r] = out + static_cast<size_t>(i) * hidden;
    }
    for (size_t j0 = 0; j0 < stride; j0 += 32) scoreBlock(query, keysT, stride, d, static_cast<int>(j0), scores);
    for (int r = 0; r < live; r++) {
      float *row = scores[r];
      for (int j = 0; j < length; j++) {
        const float s = scaleQueryFirst ? row[j] : row[j] / scale;
        row[j] = mask ? s + mask[j] : s;
      }
      softmaxRowAvx512(row, length);
    }
    const float *probs[kQueries];
    for (int r = 0; r < kQueries; r++) probs[r] = scores[std::min(r, live - 1)];
    for (int c0 = 0; c0 < d; c0 += 64) contextBlock(probs, values, ld, length, d, c0, context, live);
  }
}

}  // namespace ner

#else

namespace ner {
size_t attentionScratchAvx512(int, int) { return 0; }
void attendHeadAvx512(const float *, const float *, float *, int, int, int, float, bool, float *) {}
}  // namespace ner

#endif
