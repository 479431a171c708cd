// Products under bf16 autocast (`TrainingArguments.bf16`; torch.autocast(dtype=torch.bfloat16)'s
// rule for matmuls): both operands rounded to bfloat16 (nearest even), the products accumulated in
// fp32. torch hands back a bf16 tensor; we keep the fp32 accumulator (one rounding fewer), so the
// ops after a product see fp32, as torch's autocast gives its fp32 ops (softmax, LayerNorm, loss).
//
// Two ways to the same products:
// - dot (AVX512_BF16, even k, few products per call): op(B) packed per call in bf16_gemm.cc's
//   pair layout and multiplied on vdpbf16ps, twice the multiply-adds per instruction of fp32 FMA.
//   Weights change every training step, so nothing is cached: packing is one pass over B against
//   the m rows of arithmetic that read it.
// - rounded (everything else: no AVX512_BF16, odd k, the many small products of attention): copies
//   of A and B with each value rounded to bf16 (exact in fp32), then gemm(), which parallelises
//   over the batch. The same products; the fp32 sums may differ in their last bits (order).
#include <node_api.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "inference.h"
#include "kernels.h"
#include "napi_args.h"
#include "panel_tile.h"
#include "parallel.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define NER_AUTOCAST_DOT 1
#define NER_AVX512_BF16 __attribute__((target("avx512f,avx512bw,avx512bf16")))
#endif

namespace ner {

namespace {

// Batched calls with more products than this take the rounded way: each dot product would pack
// its own B and split its few panels over the threads, where gemm() splits the batch.
constexpr size_t kDotMaxBatch = 4;
constexpr size_t kRoundGrain = 1 << 16;

// f rounded to the nearest bfloat16 (ties to even) and widened back, exactly; NaN stays NaN.
inline float roundedBf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  const bool nan = (bits & 0x7fffffffu) > 0x7f800000u;
  const uint32_t rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) & 0xffff0000u;
  const uint32_t out = nan ? ((bits | 0x00400000u) & 0xffff0000u) : rounded;
  float g;
  std::memcpy(&g, &out, sizeof g);
  return g;
}

void roundCopy(const float *x, size_t count, float *out) {
  parallelFor(count, kRoundGrain, [&](size_t first, size_t last) {
    for (size_t i = first; i < last; i++) out[i] = roundedBf16(x[i]);
  });
}

// The rounded way: A and B whole (every batch's matrices) rounded once, then fp32 gemm().
void gemmRounded(const float *a, size_t aSize, const float *b, size_t bSize, float *c, const int64_t *aOffsets,
                 const int64_t *bOffsets, size_t batch, int m, int n, int k, bool transA, bool transB) {
  // Per calling thread and grow-only: a training step repeats the same shapes.
  thread_local std::vector<float> ra, rb;
  if (ra.size() < aSize) ra.resize(aSize);
  if (rb.size() < bSize) rb.resize(bSize);
  roundCopy(a, aSize, ra.data());
  roundCopy(b, bSize, rb.data());
  gemm(ra.data(), rb.data(), c, aOffsets, bOffsets, batch, m, n, k, transA, transB);
}

#ifdef NER_AUTOCAST_DOT

// 16 floats to 16 pair words' low halves (high halves zero), bf16 nearest even.
NER_AVX512_BF16 inline __m512i lowHalves(__m512 x) {
  return _mm512_cvtepu16_epi32((__m256i)_mm512_cvtneps_pbh(x));
}

// op(B) = B (k x n, row-major) into pair panels: word (q, j) of a panel holds rows 2q and 2q + 1
// of column j, both rows read 16 columns at a time.
NER_AVX512_BF16 void packPairsRowMajorPanel(const float *b, int k, int n, uint16_t *packed, size_t panel) {
  const size_t col = panel * kPanel;
  const size_t width = std::min<size_t>(kPanel, static_cast<size_t>(n) - col);
  uint32_t *dst = reinterpret_cast<uint32_t *>(packed + panel * static_cast<size_t>(k) * kPanel);
  for (size_t start = 0; start < kPanel; start += 16) {
    const size_t live = width > start ? std::min<size_t>(16, width - start) : 0;
    const __mmask16 mask = static_cast<__mmask16>((1u << live) - 1u);
    for (int q = 0; q < k / 2; q++) {
      const float *even = b + static_cast<size_t>(2 * q) * n + col + start;
      const __m512i lo = lowHalves(_mm512_maskz_loadu_ps(mask, even));
      const __m512i hi = lowHalves(_mm512_maskz_loadu_ps(mask, even + n));
      _mm512_storeu_si512(dst + static_cast<size_t>(q) * kPanel + start, _mm512_or_si512(lo, _mm512_slli_epi32(hi, 16)));
    }
  }
}

// op(B) = B^T with B stored n x k (a Linear weight, [out, in]): the two rows of a pair word are
// neighbours in memory, so each column converts 32 floats into 16 words at once; a 32 x 16 tile
// of words is then written out transposed into the panel.
NER_AVX512_BF16 void packPairsTransposedPanel(const float *b, int k, int n, uint16_t *packed, size_t panel) {
  alignas(64) uint32_t tile[kPanel][16];
  const size_t col = panel * kPanel;
  const size_t width = std::min<size_t>(kPanel, static_cast<size_t>(n) - col);
  uint32_t *dst = reinterpret_cast<uint32_t *>(packed + panel * static_cast<size_t>(k) * kPanel);
  const int pairs = k / 2;
  for (int q0 = 0; q0 < pairs; q0 += 16) {
    const int words = std::min(16, pairs - q0);
    const int floats = 2 * words;
    const __mmask16 lowMask = static_cast<__mmask16>(floats >= 16 ? 0xffffu : (1u << floats) - 1u);
    const __mmask16 highMask = static_cast<__mmask16>(floats <= 16 ? 0u : (1u << (floats - 16)) - 1u);
    for (size_t j = 0; j < kPanel; j++) {
      if (j >= width) {
        _mm512_store_si512(tile[j], _mm512_setzero_si512());
        continue;
      }
      const float *row = b + (col + j) * static_cast<size_t>(k) + 2 * static_cast<size_t>(q0);
      const __m512 lo = _mm512_maskz_loadu_ps(lowMask, row);
      const __m512 hi = _mm512_maskz_loadu_ps(highMask, row + 16);
      _mm512_store_si512(tile[j], (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
    }
    for (int q = 0; q < words; q++) {
      uint32_t *out = dst + static_cast<size_t>(q0 + q) * kPanel;
      for (size_t j = 0; j < kPanel; j++) out[j] = tile[j][q];
    }
  }
}

// op(B) into pair panels, the panels spread over the threads.
void packPairs(const float *b, bool transB, int k, int n, uint16_t *packed) {
  parallelFor(panelCount(n), 2, [&](size_t first, size_t last) {
    for (size_t panel = first; panel < last; panel++) {
      if (transB)
        packPairsTransposedPanel(b, k, n, packed, panel);
      else
        packPairsRowMajorPanel(b, k, n, packed, panel);
    }
  });
}

void gemmDot(const float *a, const float *b, float *c, const int64_t *aOffsets, const int64_t *bOffsets,
             size_t batch, int m, int n, int k, bool transA, bool transB) {
  thread_local std::vector<uint16_t> packed;
  thread_local std::vector<float> aRows;
  const size_t packedSize = panelCount(n) * static_cast<size_t>(k) * kPanel;
  if (packed.size() < packedSize) packed.resize(packedSize);
  if (transA && aRows.size() < static_cast<size_t>(m) * k) aRows.resize(static_cast<size_t>(m) * k);
  for (size_t i = 0; i < batch; i++) {
    const float *bi = b + bOffsets[i];
    if (i == 0 || bOffsets[i] != bOffsets[i - 1]) {
      packPairs(bi, transB, k, n, packed.data());
    }
    const float *ai = a + aOffsets[i];
    if (transA) {
      // op(A) as the m x k rows panelGemmBf16 reads: the addon's transpose (floats as 32-bit words).
      const int64_t shape[2] = {k, m}, perm[2] = {1, 0};
      transpose(reinterpret_cast<const uint32_t *>(ai), reinterpret_cast<uint32_t *>(aRows.data()), 2, shape, perm);
      ai = aRows.data();
    }
    panelGemmBf16(ai, packed.data(), true, nullptr, c + i * static_cast<size_t>(m) * n, m, n, k, false);
  }
}

#endif  // NER_AUTOCAST_DOT

}  // namespace

bool autocastDotAvailable() {
#ifdef NER_AUTOCAST_DOT
  return cpuHasAvx512Bf16() && canPanelGemm();
#else
  return false;
#endif
}

void gemmBf16(const float *a, size_t aSize, const float *b, size_t bSize, float *c, const int64_t *aOffsets,
              const int64_t *bOffsets, size_t batch, int m, int n, int k, bool transA, bool transB, bool allowDot) {
  if (batch == 0 || m == 0 || n == 0) return;
  if (k == 0) {
    std::fill(c, c + batch * static_cast<size_t>(m) * n, 0.0f);
    return;
  }
#ifdef NER_AUTOCAST_DOT
  if (allowDot && autocastDotAvailable() && k % 2 == 0 && batch <= kDotMaxBatch) {
    gemmDot(a, b, c, aOffsets, bOffsets, batch, m, n, k, transA, transB);
    return;
  }
#else
  (void)allowDot;
#endif
  gemmRounded(a, aSize, b, bSize, c, aOffsets, bOffsets, batch, m, n, k, transA, transB);
}

namespace {

// gemmBf16(a, b, out, aOffsets, bOffsets, m, n, k, transA, transB, allowDot): gemm()'s contract
// on bf16-rounded operands (see the top of this file); allowDot false forces the rounded way.
napi_value GemmBf16(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 11, "gemmBf16");
    auto a = args.f32(0), b = args.f32(1), c = args.f32(2);
    std::vector<int64_t> aOff = args.ints(3), bOff = args.ints(4);
    int64_t m = args.integer(5), n = args.integer(6), k = args.integer(7);
    args.need(m >= 0 && n >= 0 && k >= 0, "negative dimension");
    args.need(aOff.size() == bOff.size(), "offset arrays differ in length");
    const size_t batch = aOff.size();
    args.need(c.size == batch * static_cast<size_t>(m * n), "output size mismatch");
    for (size_t i = 0; i < batch; i++) {
      args.need(aOff[i] >= 0 && static_cast<size_t>(aOff[i] + m * k) <= a.size, "a offset out of range");
      args.need(bOff[i] >= 0 && static_cast<size_t>(bOff[i] + k * n) <= b.size, "b offset out of range");
    }
    gemmBf16(a.data, a.size, b.data, b.size, c.data, aOff.data(), bOff.data(), batch, static_cast<int>(m),
             static_cast<int>(n), static_cast<int>(k), args.boolean(8), args.boolean(9), args.boolean(10));
    return nullptr;
  });
}

napi_value AutocastDotAvailable(napi_env env, napi_callback_info) { return jsBool(env, autocastDotAvailable()); }

}  // namespace

void registerAutocastFunctions(napi_env env, napi_value exports) {
  const Export functions[] = {
      {"gemmBf16", GemmBf16},
      {"autocastDotAvailable", AutocastDotAvailable},
  };
  exportFunctions(env, exports, functions);
}

}  // namespace ner
