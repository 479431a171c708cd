// The packed-panel layout every GEMM kernel of the addon reads (packPanels / packPanelsBf16 write
// it: op(B) in panels of 32 columns, k rows each), and, on x86-64, the AVX-512 tile that
// panel_gemm.cc (fp32 panels) and bf16_gemm.cc (bf16 panels) accumulate: MR rows x 32 columns of
// C in two zmm registers per row, with masks for a last panel narrower than 32.
#pragma once

#include <array>
#include <cstddef>
#include <utility>

namespace ner {

// Columns per packed panel: two zmm registers of fp32.
constexpr int kPanel = 32;

inline size_t panelCount(int n) { return (static_cast<size_t>(n) + kPanel - 1) / kPanel; }

template <typename Fn, typename Pick, int... R>
constexpr std::array<Fn, sizeof...(R) + 1> rowBlockTableOf(Pick pick, std::integer_sequence<int, R...>) {
  return {{nullptr, pick(std::integral_constant<int, R + 1>{})...}};
}

// The dispatch table of a register block compiled for each row count: entry r (1..Rows) is
// pick(std::integral_constant<int, r>), e.g. &block<r>; entry 0 is null (no rows, no call).
template <typename Fn, int Rows, typename Pick>
constexpr std::array<Fn, Rows + 1> rowBlockTable(Pick pick) {
  return rowBlockTableOf<Fn>(pick, std::make_integer_sequence<int, Rows>{});
}

}  // namespace ner

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

namespace ner {

// The live columns of a panel's two 16-column halves.
struct TileMasks {
  __mmask16 low;
  __mmask16 high;
};

inline TileMasks tileMasks(int width) {
  return {static_cast<__mmask16>(width >= 16 ? 0xFFFF : (1u << width) - 1),
          static_cast<__mmask16>(width >= 32 ? 0xFFFF : width > 16 ? (1u << (width - 16)) - 1 : 0)};
}

#define NER_TILE_INLINE inline __attribute__((always_inline, target("avx512f")))

// The accumulators before a k-slice: the first slice starts from `bias` (this tile's 32 entries,
// added to every row) or zero; later ones continue from what C holds.
template <int MR>
NER_TILE_INLINE void loadTile(__m512 (&acc)[MR][2], bool firstSlice, const float *bias, const float *c, size_t ldc,
                              __mmask16 low, __mmask16 high) {
  const __m512 start0 = bias ? _mm512_maskz_loadu_ps(low, bias) : _mm512_setzero_ps();
  const __m512 start1 = bias ? _mm512_maskz_loadu_ps(high, bias + 16) : _mm512_setzero_ps();
  for (int i = 0; i < MR; i++) {
    if (firstSlice) {
      acc[i][0] = start0;
      acc[i][1] = start1;
    } else {
      acc[i][0] = _mm512_maskz_loadu_ps(low, c + i * ldc);
      acc[i][1] = _mm512_maskz_loadu_ps(high, c + i * ldc + 16);
    }
  }
}

// The accumulators' live columns back to C.
template <int MR>
NER_TILE_INLINE void storeTile(const __m512 (&acc)[MR][2], float *c, size_t ldc, __mmask16 low, __mmask16 high) {
  for (int i = 0; i < MR; i++) {
    _mm512_mask_storeu_ps(c + i * ldc, low, acc[i][0]);
    if (high) _mm512_mask_storeu_ps(c + i * ldc + 16, high, acc[i][1]);
  }
}

// erf GELU in place on a stored tile (rows x 32 of C, the live columns), while it is in L1: the
// operations of geluRange (fused.cc) in the same order, without FMA, so the same bits; clamps
// written so that a NaN stays NaN (max / min return their second operand on NaN).
NER_TILE_INLINE __m512 polyStep(__m512 acc, __m512 x2, float coefficient) {
  return _mm512_add_ps(_mm512_mul_ps(acc, x2), _mm512_set1_ps(coefficient));
}

NER_TILE_INLINE __m512 geluVector(__m512 x) {
  const __m512 z = _mm512_mul_ps(x, _mm512_set1_ps(0.70710678118654752f));
  const __m512 c = _mm512_min_ps(_mm512_set1_ps(4.0f), _mm512_max_ps(_mm512_set1_ps(-4.0f), z));
  const __m512 x2 = _mm512_mul_ps(c, c);
  __m512 p = _mm512_set1_ps(-2.72614225801306e-10f);
  p = polyStep(p, x2, 2.77068142495902e-08f);
  p = polyStep(p, x2, -2.10102402082508e-06f);
  p = polyStep(p, x2, -5.69250639462346e-05f);
  p = polyStep(p, x2, -7.34990630326855e-04f);
  p = polyStep(p, x2, -2.95459980854025e-03f);
  p = polyStep(p, x2, -1.60960333262415e-02f);
  p = _mm512_mul_ps(p, c);
  __m512 q = _mm512_set1_ps(-1.45660718464996e-05f);
  q = polyStep(q, x2, -2.13374055278905e-04f);
  q = polyStep(q, x2, -1.68282697438203e-03f);
  q = polyStep(q, x2, -7.37332916720468e-03f);
  q = polyStep(q, x2, -1.42647390514189e-02f);
  const __m512 erf = _mm512_div_ps(p, q);
  const __m512 half = _mm512_mul_ps(_mm512_set1_ps(0.5f), x);
  return _mm512_mul_ps(half, _mm512_add_ps(_mm512_set1_ps(1.0f), erf));
}

NER_TILE_INLINE void geluTile(float *c, size_t ldc, int rows, __mmask16 low, __mmask16 high) {
  for (int i = 0; i < rows; i++) {
    float *row = c + i * ldc;
    _mm512_mask_storeu_ps(row, low, geluVector(_mm512_maskz_loadu_ps(low, row)));
    if (high) _mm512_mask_storeu_ps(row + 16, high, geluVector(_mm512_maskz_loadu_ps(high, row + 16)));
  }
}

#undef NER_TILE_INLINE

}  // namespace ner

#endif
