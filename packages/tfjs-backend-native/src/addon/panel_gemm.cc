// float32 GEMM with AVX-512: C (m x n) = op(A) (m x k) @ op(B) (k x n), row-major, B packed
// into 32-column panels first. Used instead of OpenBLAS where the CPU has AVX-512F.
//
// Why our own: the OpenBLAS of Debian 12 (0.3.21) does not know recent AMD CPUs, and this
// project's machines pin it to its AVX2 "Haswell" kernels (OPENBLAS_CORETYPE, because other
// kernels of that build misbehave there), at half the vector width the CPU has. This kernel
// measured 2x OpenBLAS on bert-base shapes there (tools/bench/native-gemm.mjs).
//
// Layout: op(B) is packed as ceil(n / 32) panels, each k x 32 contiguous floats (zero padded
// on the right). A is not packed: the kernel broadcasts its elements from wherever they are,
// so a transposed A costs only a stride. Blocking: k in slices of kKc (up to 4096: see there),
// rows in chunks of kMc (an A chunk stays in L2), and 12 x 32 of C in 24 zmm registers.
// Threads split the panels. A weight matrix used for many products can be packed once
// (packPanels) and passed to panelGemm directly: inference on short inputs does that.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels.h"
#include "panel_tile.h"
#include "parallel.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define NER_PANEL_GEMM 1
#define NER_AVX512 __attribute__((target("avx512f")))
#endif

namespace ner {

namespace {
constexpr int kRows = 12;   // rows per register block: 24 accumulators + 2 B vectors + 1 A
// k per slice: every bert-base k (768, 3072) in one. Each slice after the first reloads C, which
// for many rows (12 MB at 1024 x 3072) comes back from memory with the row block waiting on it:
// slices of 256 measured 15-20% slower at 1024-4096 rows (1 thread, 2026-12-06) than whole k,
// although a 96 KB - 384 KB panel slice is then read from L2 instead of L1.
constexpr int kKc = 4096;
constexpr int kMc = 96;     // rows per chunk (and the most rows panelRangeFew takes)
constexpr int kAhead = 16;    // k rows of a panel prefetched ahead (8 KB)
constexpr size_t kGroup = 16;  // panels per group (2 to 16 measured the same with whole-k slices)
}  // namespace

size_t packedPanelsSize(int k, int n) { return panelCount(n) * kPanel * static_cast<size_t>(k); }

namespace {

// Panel `panel` of op(B). transB: b is stored n x k (element (p, j) of op(B) at b[j * k + p]);
// else k x n.
void packPanel(const float *b, bool transB, int k, int n, size_t panel, float *packed) {
  const size_t col = panel * kPanel;
  const size_t width = std::min<size_t>(kPanel, static_cast<size_t>(n) - col);
  float *dst = packed + panel * static_cast<size_t>(k) * kPanel;
  if (!transB) {
    for (int p = 0; p < k; p++, dst += kPanel) {
      const float *src = b + static_cast<size_t>(p) * n + col;
      size_t j = 0;
      for (; j < width; j++) dst[j] = src[j];
      for (; j < kPanel; j++) dst[j] = 0.0f;  // padding: the kernel reads whole panels
    }
    return;
  }
  if (width < kPanel) std::fill(dst, dst + static_cast<size_t>(k) * kPanel, 0.0f);
  for (size_t j = 0; j < width; j++) {
    const float *src = b + (col + j) * static_cast<size_t>(k);
    for (int p = 0; p < k; p++) dst[static_cast<size_t>(p) * kPanel + j] = src[p];
  }
}

void packPanelsSerial(const float *b, bool transB, int k, int n, float *packed) {
  for (size_t panel = 0; panel < panelCount(n); panel++) packPanel(b, transB, k, n, panel, packed);
}

}  // namespace

void packPanels(const float *b, bool transB, int k, int n, float *packed) {
  parallelFor(panelCount(n), 4, [&](size_t first, size_t last) {
    for (size_t panel = first; panel < last; panel++) packPanel(b, transB, k, n, panel, packed);
  });
}

#ifdef NER_PANEL_GEMM

namespace {

// MR rows x 32 columns of C over k in [k0, k1), from one packed panel. Element (i, p) of op(A)
// is a[i * rs + p * cs]. `low` / `high` mask the live columns of the two 16-column halves.
// The first slice (k0 == 0) overwrites C (starting from `bias`, this block's 32 entries of a
// bias row added to every row, when not null), later ones add to it. With PREFETCH, row p of
// the panel at `ahead` (k x 32 floats) is requested into cache at step p.
template <int MR, bool PREFETCH>
NER_AVX512 void block(const float *a, size_t rs, size_t cs, const float *panel, const float *ahead,
                      const float *bias, float *c, size_t ldc, int k0, int k1, __mmask16 low, __mmask16 high) {
  __m512 acc[MR][2];
  loadTile<MR>(acc, k0 == 0, bias, c, ldc, low, high);
  for (int p = k0; p < k1; p++) {
    if (PREFETCH) {
      const char *line = reinterpret_cast<const char *>(ahead + static_cast<size_t>(p) * kPanel);
      _mm_prefetch(line, _MM_HINT_T0);
      _mm_prefetch(line + 64, _MM_HINT_T0);
    }
    const __m512 b0 = _mm512_loadu_ps(panel + static_cast<size_t>(p) * kPanel);
    const __m512 b1 = _mm512_loadu_ps(panel + static_cast<size_t>(p) * kPanel + 16);
    const float *ap = a + p * cs;
    for (int i = 0; i < MR; i++) {
      const __m512 av = _mm512_set1_ps(ap[i * rs]);
      acc[i][0] = _mm512_fmadd_ps(av, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(av, b1, acc[i][1]);
    }
  }
  storeTile<MR>(acc, c, ldc, low, high);
}

using BlockFn = void (*)(const float *, size_t, size_t, const float *, const float *, const float *, float *,
                         size_t, int, int, __mmask16, __mmask16);
template <bool P>
constexpr auto kBlocksOf =
    rowBlockTable<BlockFn, kRows>([](auto rows) -> BlockFn { return block<decltype(rows)::value, P>; });

// Panels [first, last) of C, all rows. Panels go in groups of kGroup (their k-slices, 512 KB,
// stay in L2 while every row chunk of A passes over them).
NER_AVX512 void panelRange(const float *a, size_t rs, size_t cs, const float *packed, const float *bias, float *c,
                           int m, int n, int k, size_t first, size_t last, bool gelu) {
  for (int k0 = 0; k0 < k; k0 += kKc) {
    const int k1 = std::min(k, k0 + kKc);
    for (size_t group = first; group < last; group += kGroup) {
      const size_t groupEnd = std::min(last, group + kGroup);
      for (int m0 = 0; m0 < m; m0 += kMc) {
        const int m1 = std::min(m, m0 + kMc);
        for (size_t panel = group; panel < groupEnd; panel++) {
          const int col = static_cast<int>(panel) * kPanel;
          const int width = std::min(kPanel, n - col);
          const TileMasks masks = tileMasks(width);
          const float *slice = packed + panel * static_cast<size_t>(k) * kPanel;
          const float *nextSlice = panel + 1 < groupEnd ? slice + static_cast<size_t>(k) * kPanel : nullptr;
          for (int row = m0; row < m1; row += kRows) {
            const int rows = std::min(kRows, m1 - row);
            // Software pipelining for products whose panels come from memory (few rows: one
            // sentence): the first row block asks for its own slice a few rows ahead, the
            // second for the next panel's slice, so that fetch overlaps this panel's compute.
            const float *ahead = row == m0                  ? slice + static_cast<size_t>(kAhead) * kPanel
                                 : row == m0 + kRows && nextSlice ? nextSlice
                                                                  : nullptr;
            const BlockFn fn = ahead ? kBlocksOf<true>[rows] : kBlocksOf<false>[rows];
            float *tile = c + static_cast<size_t>(row) * n + col;
            fn(a + row * rs, rs, cs, slice, ahead, bias ? bias + col : nullptr, tile, n, k0, k1, masks.low, masks.high);
            if (gelu && k1 == k) geluTile(tile, n, rows, masks.low, masks.high);
          }
        }
      }
    }
  }
}

// Panels [first, last) of C for few rows (m <= kMc: one sentence's activations), in memory order:
// panel by panel, a panel's k-slices one after another, every row block over each slice while
// it is in L1. The panels come from memory (a weight is read once per product), so the fetch is
// spread over the arithmetic: the first row block asks for its own slice kAhead rows ahead, the
// second for the next kKcFew rows (the next slice, or the next panel's first: they follow in
// memory). Slices of 256 rows (32 KB): 128 measured ~3% slower at 30 rows, whole k the same.
constexpr int kKcFew = 256;
NER_AVX512 void panelRangeFew(const float *a, size_t rs, size_t cs, const float *packed, const float *bias, float *c,
                              int m, int n, int k, size_t first, size_t last, bool gelu) {
  for (size_t panel = first; panel < last; panel++) {
    const int col = static_cast<int>(panel) * kPanel;
    const int width = std::min(kPanel, n - col);
    const TileMasks masks = tileMasks(width);
    const float *slice = packed + panel * static_cast<size_t>(k) * kPanel;
    const bool lastPanel = panel + 1 == last;
    for (int k0 = 0; k0 < k; k0 += kKcFew) {
      const int k1 = std::min(k, k0 + kKcFew);
      for (int row = 0; row < m; row += kRows) {
        const int rows = std::min(kRows, m - row);
        const float *ahead = row == 0                                   ? slice + static_cast<size_t>(kAhead) * kPanel
                             : row == kRows && !(lastPanel && k1 == k) ? slice + static_cast<size_t>(kKcFew) * kPanel
                                                                         : nullptr;
        const BlockFn fn = ahead ? kBlocksOf<true>[rows] : kBlocksOf<false>[rows];
        float *tile = c + static_cast<size_t>(row) * n + col;
        fn(a + row * rs, rs, cs, slice, ahead, bias ? bias + col : nullptr, tile, n, k0, k1, masks.low, masks.high);
        if (gelu && k1 == k) geluTile(tile, n, rows, masks.low, masks.high);
      }
    }
  }
}

}  // namespace

bool canPanelGemm() {
  static const bool ok = __builtin_cpu_supports("avx512f");
  return ok;
}

namespace {
// NER_NATIVE_PANEL_GEMM=0 starts with OpenBLAS for every product. Process-wide (one switch for
// every worker thread), atomic because any of them may flip it while others read it.
std::atomic<bool> gEnabled{[] {
  const char *env = std::getenv("NER_NATIVE_PANEL_GEMM");
  return canPanelGemm() && !(env && std::strcmp(env, "0") == 0);
}()};
}  // namespace

bool panelGemmEnabled() { return gEnabled.load(std::memory_order_relaxed); }
bool setPanelGemm(bool on) {
  const bool now = on && canPanelGemm();
  gEnabled.store(now, std::memory_order_relaxed);
  return now;
}

void panelGemm(const float *a, bool transA, const float *packed, const float *bias, float *c, int m, int n, int k,
               bool threaded, bool gelu) {
  const size_t rs = transA ? 1 : static_cast<size_t>(k);
  const size_t cs = transA ? static_cast<size_t>(m) : 1;
  // Few rows: the panels in memory order with the next slice prefetched (panelRangeFew).
  const auto range = m <= kMc ? panelRangeFew : panelRange;
  if (!threaded) {
    range(a, rs, cs, packed, bias, c, m, n, k, 0, panelCount(n), gelu);
    return;
  }
  // A worker is worth waking for ~2 MFLOP (~15 us) of work: see kGrain in kernels.cc.
  const size_t grain = static_cast<size_t>(2e6 / (2.0 * m * k * kPanel)) + 1;
  parallelFor(panelCount(n), grain,
              [&](size_t first, size_t last) { range(a, rs, cs, packed, bias, c, m, n, k, first, last, gelu); });
}

void panelGemmBatch(const float *a, const float *b, float *c, const int64_t *aOffsets, const int64_t *bOffsets,
                    size_t batch, int m, int n, int k, bool transA, bool transB) {
  const size_t packedSize = packedPanelsSize(k, n);
  const size_t mn = static_cast<size_t>(m) * n;
  const double flops = 2.0 * m * n * k;
  if (batch > 1 && flops < 4e6) {
    // Many small products (attention: batch * heads of T x d x T): a batch entry per thread.
    parallelFor(batch, 1, [&](size_t first, size_t last) {
      std::vector<float> packed(packedSize);
      for (size_t i = first; i < last; i++) {
        packPanelsSerial(b + bOffsets[i], transB, k, n, packed.data());
        panelGemm(a + aOffsets[i], transA, packed.data(), nullptr, c + i * mn, m, n, k, false);
      }
    });
    return;
  }
  // One scratch buffer per calling thread: every worker_threads worker loads this addon into
  // the same process, so a plain static would be packed and resized by several JS threads at
  // once (wrong products, double frees). thread_local keeps the reuse that a per-call buffer
  // would lose (packing bert-base's 768 x 3072 weight needs 9 MB, freshly faulted in each
  // call); the buffer is freed when its thread exits.
  thread_local std::vector<float> scratch;
  if (scratch.size() < packedSize) scratch.resize(packedSize);
  for (size_t i = 0; i < batch; i++) {
    packPanels(b + bOffsets[i], transB, k, n, scratch.data());
    panelGemm(a + aOffsets[i], transA, scratch.data(), nullptr, c + i * mn, m, n, k, true);
  }
}

#else

bool canPanelGemm() { return false; }
bool panelGemmEnabled() { return false; }
bool setPanelGemm(bool) { return false; }
void panelGemm(const float *, bool, const float *, const float *, float *, int, int, int, bool, bool) {}
void panelGemmBatch(const float *, const float *, float *, const int64_t *, const int64_t *, size_t, int, int, int,
                    bool, bool) {}

#endif

}  // namespace ner
