// float32 GEMM of our own for CPUs without AVX-512F, so the addon needs no OpenBLAS: an AVX2 + FMA
// register block where the CPU has both, else plain loops that the compiler vectorises for the
// baseline instruction set (SSE2 on x86-64, NEON on arm64). Both read op(B) packed in the same
// 32-column panels as panel_gemm.cc (packPanels), so only the register block differs.
//
// Which products run here: every product of an addon built without OpenBLAS on a CPU without
// AVX-512F, and any product when asked (setGemmKernel("avx2" | "generic")), which is how the
// tests compare these kernels with OpenBLAS in one process.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

#include "kernels.h"
#include "panel_tile.h"
#include "parallel.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define NER_AVX2_GEMM 1
#define NER_AVX2 __attribute__((target("avx2,fma")))
#endif

namespace ner {

namespace {

constexpr int kKc = 256;    // k per slice: a 32 x 256 panel slice (32 KB) stays in L1/L2

// Rows [0, MR) x the `width` live columns of one panel, over k in [k0, k1). Element (i, p) of
// op(A) is a[i * rs + p * cs]. The first slice (k0 == 0) overwrites C, later ones add to it.
template <int MR>
void genericBlock(const float *a, size_t rs, size_t cs, const float *panel, float *c, size_t ldc, int k0, int k1,
                  int width) {
  float acc[MR][kPanel];
  for (int i = 0; i < MR; i++) {
    for (int j = 0; j < kPanel; j++) acc[i][j] = (k0 == 0 || j >= width) ? 0.0f : c[i * ldc + j];
  }
  for (int p = k0; p < k1; p++) {
    const float *row = panel + static_cast<size_t>(p) * kPanel;
    for (int i = 0; i < MR; i++) {
      const float av = a[i * rs + p * cs];
      for (int j = 0; j < kPanel; j++) acc[i][j] += av * row[j];
    }
  }
  for (int i = 0; i < MR; i++) std::memcpy(c + i * ldc, acc[i], static_cast<size_t>(width) * sizeof(float));
}

constexpr int kGenericRows = 4;
using BlockFn = void (*)(const float *, size_t, size_t, const float *, float *, size_t, int, int, int);
constexpr auto kGenericBlocks =
    rowBlockTable<BlockFn, kGenericRows>([](auto rows) -> BlockFn { return genericBlock<decltype(rows)::value>; });

#ifdef NER_AVX2_GEMM

// AVX2 block: MR rows x one 16-column half of a panel (two ymm per row: 12 accumulators, two B
// vectors and one broadcast fill 15 of the 16 registers at MR = 6). `half` points into the panel
// (row stride 32); `width` (1..16) columns of C are live.
template <int MR>
NER_AVX2 void avx2Block(const float *a, size_t rs, size_t cs, const float *half, float *c, size_t ldc, int k0,
                        int k1, int width) {
  __m256 acc[MR][2];
  alignas(32) float edge[16];
  for (int i = 0; i < MR; i++) {
    if (k0 == 0) {
      acc[i][0] = _mm256_setzero_ps();
      acc[i][1] = _mm256_setzero_ps();
    } else if (width == 16) {
      acc[i][0] = _mm256_loadu_ps(c + i * ldc);
      acc[i][1] = _mm256_loadu_ps(c + i * ldc + 8);
    } else {
      // A partial half: go through a zeroed copy so nothing beyond C's row is read.
      std::fill(edge, edge + 16, 0.0f);
      std::memcpy(edge, c + i * ldc, static_cast<size_t>(width) * sizeof(float));
      acc[i][0] = _mm256_load_ps(edge);
      acc[i][1] = _mm256_load_ps(edge + 8);
    }
  }
  for (int p = k0; p < k1; p++) {
    const __m256 b0 = _mm256_loadu_ps(half + static_cast<size_t>(p) * kPanel);
    const __m256 b1 = _mm256_loadu_ps(half + static_cast<size_t>(p) * kPanel + 8);
    const float *ap = a + p * cs;
    for (int i = 0; i < MR; i++) {
      const __m256 av = _mm256_set1_ps(ap[i * rs]);
      acc[i][0] = _mm256_fmadd_ps(av, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(av, b1, acc[i][1]);
    }
  }
  for (int i = 0; i < MR; i++) {
    if (width == 16) {
      _mm256_storeu_ps(c + i * ldc, acc[i][0]);
      _mm256_storeu_ps(c + i * ldc + 8, acc[i][1]);
    } else {
      _mm256_store_ps(edge, acc[i][0]);
      _mm256_store_ps(edge + 8, acc[i][1]);
      std::memcpy(c + i * ldc, edge, static_cast<size_t>(width) * sizeof(float));
    }
  }
}

constexpr int kAvx2Rows = 6;
constexpr auto kAvx2Blocks =
    rowBlockTable<BlockFn, kAvx2Rows>([](auto rows) -> BlockFn { return avx2Block<decltype(rows)::value>; });

#endif

// Panels [first, last) of C, all rows, with the register block of `kernel`.
void panelRange(GemmKernel kernel, const float *a, size_t rs, size_t cs, const float *packed, float *c, int m, int n,
                int k, size_t first, size_t last) {
  for (int k0 = 0; k0 < k; k0 += kKc) {
    const int k1 = std::min(k, k0 + kKc);
    for (size_t panel = first; panel < last; panel++) {
      const int col = static_cast<int>(panel) * kPanel;
      const int width = std::min(kPanel, n - col);
      const float *slice = packed + panel * static_cast<size_t>(k) * kPanel;
#ifdef NER_AVX2_GEMM
      if (kernel == GemmKernel::kAvx2) {
        for (int half = 0; half < 2 && half * 16 < width; half++) {
          const int halfWidth = std::min(16, width - half * 16);
          for (int row = 0; row < m; row += kAvx2Rows) {
            const int rows = std::min(kAvx2Rows, m - row);
            kAvx2Blocks[rows](a + row * rs, rs, cs, slice + half * 16, c + static_cast<size_t>(row) * n + col + half * 16,
                              n, k0, k1, halfWidth);
          }
        }
        continue;
      }
#endif
      (void)kernel;
      for (int row = 0; row < m; row += kGenericRows) {
        const int rows = std::min(kGenericRows, m - row);
        kGenericBlocks[rows](a + row * rs, rs, cs, slice, c + static_cast<size_t>(row) * n + col, n, k0, k1, width);
      }
    }
  }
}


}  // namespace

bool canAvx2Gemm() {
#ifdef NER_AVX2_GEMM
  // Static initialisers ask too (gemm()'s default), possibly before libgcc's own constructor ran.
  static const bool ok = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return ok;
#else
  return false;
#endif
}

void portableGemmBatch(GemmKernel kernel, const float *a, const float *b, float *c, const int64_t *aOffsets,
                       const int64_t *bOffsets, size_t batch, int m, int n, int k, bool transA, bool transB) {
  const size_t rs = transA ? 1 : static_cast<size_t>(k);
  const size_t cs = transA ? static_cast<size_t>(m) : 1;
  const size_t packedSize = packedPanelsSize(k, n);
  const size_t mn = static_cast<size_t>(m) * n;
  const size_t panels = panelCount(n);
  if (batch > 1 && 2.0 * m * n * k < 4e6) {
    // Many small products (attention: batch * heads of T x d x T): a batch entry per thread
    // (packPanels inside a parallelFor body runs on the calling thread).
    parallelFor(batch, 1, [&](size_t first, size_t last) {
      std::vector<float> packed(packedSize);
      for (size_t i = first; i < last; i++) {
        packPanels(b + bOffsets[i], transB, k, n, packed.data());
        panelRange(kernel, a + aOffsets[i], rs, cs, packed.data(), c + i * mn, m, n, k, 0, panels);
      }
    });
    return;
  }
  // Per calling thread, as in panelGemmBatch: worker_threads share this addon.
  thread_local std::vector<float> scratch;
  if (scratch.size() < packedSize) scratch.resize(packedSize);
  // A worker is worth waking for ~2 MFLOP of work (see kGrain in kernels.cc).
  const size_t grain = static_cast<size_t>(2e6 / (2.0 * m * k * kPanel)) + 1;
  for (size_t i = 0; i < batch; i++) {
    packPanels(b + bOffsets[i], transB, k, n, scratch.data());
    const float *ai = a + aOffsets[i];
    float *ci = c + i * mn;
    const float *packed = scratch.data();
    parallelFor(panels, grain, [&](size_t first, size_t last) {
      panelRange(kernel, ai, rs, cs, packed, ci, m, n, k, first, last);
    });
  }
}

}  // namespace ner
