// Products on bfloat16 weights for inference (`dtype: 'bf16'`): the panels of panel_gemm.cc with
// each weight rounded to bf16, so a one-sentence forward streams half the bytes (bert-base: 170
// instead of 340 MB). Two layouts, chosen by the caller (src/kernels/inference-weights.ts):
//
// - pairs (the default where the CPU has AVX512_BF16): k rows 2q and 2q + 1 of a column side by
//   side in one 32-bit lane, read by vdpbf16ps, which multiplies two bf16 pairs per lane and adds
//   both products to an fp32 accumulator. It takes bf16 on both sides, so the activations are
//   rounded to bf16 once per product (as torch's autocast does): twice the multiply-adds per
//   instruction of fp32 FMA, which is what bounds a ~30-row product once its bytes are halved.
// - rows (the fallback: AVX-512F without AVX512_BF16, odd k, or NER_NATIVE_BF16_DOT=0): the fp32
//   panel layout in 16 bits; each weight is widened exactly to fp32 in registers (a zero-extend and
//   a shift: bf16 is the top half of an fp32) and multiplied by the fp32 activations with FMA, so
//   the result is the fp32 product of the bf16-rounded weights (to 1e-5).
#include <algorithm>
#include <cstring>
#include <vector>

#include "inference.h"
#include "kernels.h"
#include "panel_tile.h"
#include "parallel.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define NER_BF16_GEMM 1
#define NER_AVX512 __attribute__((target("avx512f")))
#endif

namespace ner {

namespace {
constexpr int kRows = 12;
constexpr int kKc = 256;
constexpr int kAhead = 32;  // k rows of the panel prefetched ahead (2 KB of bf16)
constexpr int kDotMc = 240;  // rows per chunk of the pair kernel: 240 x 768 bf16 = 360 KB
// k per slice of the pair kernel (48 KB of a panel): 256 measured ~5% slower at 1024 rows (C
// reloaded), whole k 3072 ~3% slower at 30 rows (1 thread, 2026-12-06).
constexpr int kDotKc = 768;

// Round to nearest even (NaN kept a quiet NaN), as torch's float -> bfloat16.
uint16_t toBf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((bits >> 16) | 0x40);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}
}  // namespace

bool cpuHasAvx512Bf16() {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool ok = __builtin_cpu_supports("avx512bf16");
  return ok;
#else
  return false;
#endif
}

void packPanelsBf16(const float *b, bool transB, int k, int n, uint16_t *packed, bool pairs) {
  parallelFor(panelCount(n), 4, [&](size_t first, size_t last) {
    for (size_t panel = first; panel < last; panel++) {
      const size_t col = panel * kPanel;
      const size_t width = std::min<size_t>(kPanel, static_cast<size_t>(n) - col);
      uint16_t *dst = packed + panel * static_cast<size_t>(k) * kPanel;
      for (int p = 0; p < k; p++) {
        for (size_t j = 0; j < kPanel; j++) {
          float v = 0.0f;
          if (j < width) v = transB ? b[(col + j) * static_cast<size_t>(k) + p] : b[static_cast<size_t>(p) * n + col + j];
          // Pairs: k rows 2q and 2q + 1 of a column side by side in one 32-bit lane.
          const size_t at = pairs ? (static_cast<size_t>(p / 2) * kPanel + j) * 2 + (p % 2)
                                  : static_cast<size_t>(p) * kPanel + j;
          dst[at] = toBf16(v);
        }
      }
    }
  });
}

#ifdef NER_BF16_GEMM

namespace {

NER_AVX512 inline __m512 widen(__m256i half) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(half), 16));
}

// MR rows x 32 columns of C over k in [k0, k1) from one bf16 panel (see block in panel_gemm.cc).
template <int MR>
NER_AVX512 void blockBf16(const float *a, size_t lda, const uint16_t *panel, const float *bias, float *c, size_t ldc,
                          int k0, int k1, __mmask16 low, __mmask16 high) {
  __m512 acc[MR][2];
  loadTile<MR>(acc, k0 == 0, bias, c, ldc, low, high);
  for (int p = k0; p < k1; p++) {
    _mm_prefetch(reinterpret_cast<const char *>(panel + static_cast<size_t>(p + kAhead) * kPanel), _MM_HINT_T0);
    const __m512i both = _mm512_loadu_si512(panel + static_cast<size_t>(p) * kPanel);
    const __m512 b0 = widen(_mm512_castsi512_si256(both));
    const __m512 b1 = widen(_mm512_extracti64x4_epi64(both, 1));
    for (int i = 0; i < MR; i++) {
      const __m512 av = _mm512_set1_ps(a[i * lda + p]);
      acc[i][0] = _mm512_fmadd_ps(av, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(av, b1, acc[i][1]);
    }
  }
  storeTile<MR>(acc, c, ldc, low, high);
}

using BlockBf16Fn = void (*)(const float *, size_t, const uint16_t *, const float *, float *, size_t, int, int,
                             __mmask16, __mmask16);
constexpr auto kBf16Blocks =
    rowBlockTable<BlockBf16Fn, kRows>([](auto rows) -> BlockBf16Fn { return blockBf16<decltype(rows)::value>; });

// Panels [first, last), all rows: each panel's k-slice (16 KB of bf16) stays in L1/L2 while the
// row blocks pass over it, so every weight is read from memory once per product.
NER_AVX512 void panelRangeBf16(const float *a, const uint16_t *packed, const float *bias, float *c, int m, int n,
                               int k, size_t first, size_t last, bool gelu) {
  for (size_t panel = first; panel < last; panel++) {
    const int col = static_cast<int>(panel) * kPanel;
    const int width = std::min(kPanel, n - col);
    const TileMasks masks = tileMasks(width);
    const uint16_t *slice = packed + panel * static_cast<size_t>(k) * kPanel;
    for (int k0 = 0; k0 < k; k0 += kKc) {
      const int k1 = std::min(k, k0 + kKc);
      for (int row = 0; row < m; row += kRows) {
        const int rows = std::min(kRows, m - row);
        float *tile = c + static_cast<size_t>(row) * n + col;
        kBf16Blocks[rows](a + static_cast<size_t>(row) * k, static_cast<size_t>(k), slice, bias ? bias + col : nullptr,
                          tile, static_cast<size_t>(n), k0, k1, masks.low, masks.high);
        if (gelu && k1 == k) geluTile(tile, static_cast<size_t>(n), rows, masks.low, masks.high);
      }
    }
  }
}

#define NER_AVX512_BF16 __attribute__((target("avx512f,avx512bf16")))

// MR rows x 32 columns over k pairs [q0, q1): a holds each row's activations as bf16 pairs. With
// `ahead` (not null), line q - q0 of the 128-byte rows there is asked into cache at step q: see
// panelRangeDot for which lines.
template <int MR>
NER_AVX512_BF16 void blockDot(const uint32_t *a, size_t lda, const uint16_t *panel, const uint16_t *ahead,
                              const float *bias, float *c, size_t ldc, int q0, int q1, __mmask16 low,
                              __mmask16 high) {
  __m512 acc[MR][2];
  loadTile<MR>(acc, q0 == 0, bias, c, ldc, low, high);
  for (int q = q0; q < q1; q++) {
    const uint16_t *row = panel + static_cast<size_t>(q) * kPanel * 2;
    if (ahead) {
      const char *line = reinterpret_cast<const char *>(ahead + static_cast<size_t>(q - q0) * kPanel * 2);
      _mm_prefetch(line, _MM_HINT_T0);
      _mm_prefetch(line + 64, _MM_HINT_T0);
    }
    const __m512bh b0 = (__m512bh)_mm512_loadu_si512(row);
    const __m512bh b1 = (__m512bh)_mm512_loadu_si512(row + kPanel);
    for (int i = 0; i < MR; i++) {
      const __m512bh av = (__m512bh)_mm512_set1_epi32(static_cast<int>(a[i * lda + q]));
      acc[i][0] = _mm512_dpbf16_ps(acc[i][0], av, b0);
      acc[i][1] = _mm512_dpbf16_ps(acc[i][1], av, b1);
    }
  }
  storeTile<MR>(acc, c, ldc, low, high);
}

using BlockDotFn = void (*)(const uint32_t *, size_t, const uint16_t *, const uint16_t *, const float *, float *,
                            size_t, int, int, __mmask16, __mmask16);
constexpr auto kDotBlocks =
    rowBlockTable<BlockDotFn, kRows>([](auto rows) -> BlockDotFn { return blockDot<decltype(rows)::value>; });

// Panels [first, last), rows in chunks of kDotMc (a chunk's bf16 activations, <= 384 KB, stay in
// L2 while the panels pass over it). Within a chunk, each panel's k-slice (48 KB) stays in L1/L2
// while the row blocks pass over it. At few rows (one sentence) the slices come from memory, so
// the fetch is spread over the arithmetic: the first row block asks for its own slice kAhead
// rows ahead, the second for the whole next slice (the next 16 KB: panels and their slices are
// consecutive in memory), which is then in cache when its turn comes.
NER_AVX512_BF16 void panelRangeDot(const uint32_t *a, const uint16_t *packed, const float *bias, float *c, int m,
                                   int n, int k, size_t first, size_t last, bool gelu) {
  const int pairs = k / 2;
  const size_t sliceWords = static_cast<size_t>(kDotKc / 2) * kPanel * 2;
  for (int m0 = 0; m0 < m; m0 += kDotMc) {
    const int m1 = std::min(m, m0 + kDotMc);
    for (size_t panel = first; panel < last; panel++) {
      const int col = static_cast<int>(panel) * kPanel;
      const int width = std::min(kPanel, n - col);
      const TileMasks masks = tileMasks(width);
      const uint16_t *slice = packed + panel * static_cast<size_t>(k) * kPanel;
      const uint16_t *end = packed + last * static_cast<size_t>(k) * kPanel;
      for (int q0 = 0; q0 < pairs; q0 += kDotKc / 2) {
        const int q1 = std::min(pairs, q0 + kDotKc / 2);
        const uint16_t *own = slice + static_cast<size_t>(q0) * kPanel * 2;
        for (int row = m0; row < m1; row += kRows) {
          const int rows = std::min(kRows, m1 - row);
          const uint16_t *ahead = row == m0 ? own + static_cast<size_t>(kAhead) * kPanel * 2
                                  : row == m0 + kRows && own + sliceWords < end ? own + sliceWords
                                                                                : nullptr;
          float *tile = c + static_cast<size_t>(row) * n + col;
          kDotBlocks[rows](a + static_cast<size_t>(row) * pairs, static_cast<size_t>(pairs), slice, ahead,
                           bias ? bias + col : nullptr, tile, static_cast<size_t>(n), q0, q1, masks.low, masks.high);
          if (gelu && q1 == pairs) geluTile(tile, static_cast<size_t>(n), rows, masks.low, masks.high);
        }
      }
    }
  }
}

// count floats to bf16 (nearest even, vcvtne2ps2bf16), 32 at a time; the rest one by one.
NER_AVX512_BF16 void toBf16Vector(const float *a, size_t count, uint16_t *out) {
  size_t i = 0;
  for (; i + 32 <= count; i += 32) {
    const __m512bh both = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(a + i));
    _mm512_storeu_si512(out + i, (__m512i)both);
  }
  for (; i < count; i++) out[i] = toBf16(a[i]);
}

}  // namespace

void panelGemmBf16(const float *a, const uint16_t *packed, bool pairs, const float *bias, float *c, int m, int n,
                   int k, bool gelu) {
  const size_t grain = static_cast<size_t>(2e6 / (2.0 * m * k * kPanel)) + 1;
  if (pairs) {
    // The activations rounded to bf16 once per product: row-major m x k in 16 bits is already the
    // pair layout (element 2q in the low half of word q, little-endian), as k is even.
    thread_local std::vector<uint32_t> rounded;
    const size_t words = static_cast<size_t>(m) * (k / 2);
    if (rounded.size() < words) rounded.resize(words);
    // Rows split over the threads when there are many (batched inference, training under
    // autocast): one thread converting ~1M floats was a fifth of a 1024-row product's time at 2
    // threads. A sentence's ~30 rows stay on the caller (grain: 64K floats).
    uint16_t *out = reinterpret_cast<uint16_t *>(rounded.data());
    const size_t rowGrain = (static_cast<size_t>(1) << 16) / static_cast<size_t>(k) + 1;
    parallelFor(static_cast<size_t>(m), rowGrain, [&](size_t first, size_t last) {
      const size_t offset = first * static_cast<size_t>(k);
      toBf16Vector(a + offset, (last - first) * static_cast<size_t>(k), out + offset);
    });
    const uint32_t *ap = rounded.data();
    parallelFor(panelCount(n), grain,
                [&](size_t first, size_t last) { panelRangeDot(ap, packed, bias, c, m, n, k, first, last, gelu); });
    return;
  }
  parallelFor(panelCount(n), grain,
              [&](size_t first, size_t last) { panelRangeBf16(a, packed, bias, c, m, n, k, first, last, gelu); });
}

#else

void panelGemmBf16(const float *, const uint16_t *, bool, const float *, float *, int, int, int, bool) {}

#endif

}  // namespace ner
