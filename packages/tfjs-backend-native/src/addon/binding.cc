// N-API glue: every function takes typed arrays that the JS side allocated
// (inputs are the cpu backend's own arrays, read in place; outputs are fresh
// arrays that become the result tensors), so nothing here allocates JS memory
// or keeps a reference after returning.
#include <node_api.h>

#ifdef NER_HAVE_OPENBLAS
#include <cblas.h>
#endif
#include <malloc.h>
#include <sys/mman.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "embeddings.h"
#include "kernels.h"
#include "napi_args.h"
#include "parallel.h"

namespace ner {

// Process-wide, like OpenBLAS' own count: every worker_threads worker shares this addon
// instance, so a count set on any thread applies to all of them.
static std::atomic<int> gThreads{1};
int numThreads() { return gThreads.load(std::memory_order_relaxed); }
// inference_binding.cc: the fused inference kernels' functions.
void registerInferenceFunctions(napi_env env, napi_value exports);
// autocast_gemm.cc: the bf16 autocast products.
void registerAutocastFunctions(napi_env env, napi_value exports);
void setNumThreads(int n) {
  gThreads.store(n < 1 ? 1 : n, std::memory_order_relaxed);
  setBlasThreads(n < 1 ? 1 : n);
}

}  // namespace ner

namespace {

using ner::ArrayArg;
using ner::Args;
using ner::guarded;
using ner::jsBool;
using ner::jsInt;
using ner::jsString;

// Large fresh outputs: ask for transparent huge pages before the first write, as numpy
// does, so a 48 MB GEMM output faults in 24 pages instead of 12 000 (THP "madvise" mode).
void adviseHugePages(void *data, size_t bytes) {
#ifdef MADV_HUGEPAGE
  constexpr size_t kHuge = 2 * 1024 * 1024;
  if (bytes < 2 * kHuge) return;
  uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void *>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

// A fresh output array the kernel writes whole: huge pages for large ones (advice only, so
// harmless before the sizes are checked).
template <typename T>
ArrayArg<T> output(ArrayArg<T> out) {
  adviseHugePages(out.data, out.size * sizeof(T));
  return out;
}

// A fresh float32 output of exactly `size` elements.
float *outputF32(const Args &args, size_t i, size_t size) { return output(ArrayArg<float>{args.f32(i, size), size}).data; }

// gemm(a, b, out, aOffsets, bOffsets, m, n, k, transA, transB); offsets are element offsets per batch.
napi_value Gemm(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 10, "gemm");
    auto a = args.f32(0), b = args.f32(1), c = output(args.f32(2));
    std::vector<int64_t> aOff = args.ints(3), bOff = args.ints(4);
    int64_t m = args.integer(5), n = args.integer(6), k = args.integer(7);
    bool transA = args.boolean(8), transB = args.boolean(9);
    args.need(m >= 0 && n >= 0 && k >= 0, "negative dimension");
    args.need(aOff.size() == bOff.size(), "offset arrays differ in length");
    size_t batch = aOff.size();
    args.need(c.size == batch * static_cast<size_t>(m * n), "output size mismatch");
    for (size_t i = 0; i < batch; i++) {
      args.need(aOff[i] >= 0 && static_cast<size_t>(aOff[i] + m * k) <= a.size, "a offset out of range");
      args.need(bOff[i] >= 0 && static_cast<size_t>(bOff[i] + k * n) <= b.size, "b offset out of range");
    }
    ner::gemm(a.data, b.data, c.data, aOff.data(), bOff.data(), batch, static_cast<int>(m), static_cast<int>(n),
              static_cast<int>(k), transA, transB);
    return nullptr;
  });
}

// packPanels(b, transB, k, n, packed): packed.length must be packedPanelsSize(k, n).
napi_value PackPanels(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 5, "packPanels");
    auto b = args.f32(0);
    int64_t k = args.integer(2), n = args.integer(3);
    args.need(k > 0 && n > 0, "dimensions must be positive");
    args.need(b.size == static_cast<size_t>(k * n), "b does not have k * n elements");
    float *packed = args.f32(4, ner::packedPanelsSize(static_cast<int>(k), static_cast<int>(n)));
    ner::packPanels(b.data, args.boolean(1), static_cast<int>(k), static_cast<int>(n), packed);
    return nullptr;
  });
}

// allocPacked(floats): a Float32Array on fresh memory aligned to 2 MiB and advised for
// transparent huge pages, freed when V8 collects it. For packed weight copies, which every
// few-row product streams whole from memory: huge pages spare the TLB misses of walking
// 340 MB (bert-base) in 4 KiB pages. Throws when the memory cannot be had.
napi_value AllocPacked(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 1, "allocPacked");
    int64_t floats = args.integer(0);
    args.need(floats > 0, "size must be positive");
    constexpr size_t kHuge = 2 * 1024 * 1024;
    // Aligned start, exact size (glibc takes any size; rounding up would waste up to 2 MiB per
    // matrix): the whole 2 MiB stretches get huge pages, the tail small ones.
    size_t bytes = static_cast<size_t>(floats) * sizeof(float);
    void *data = std::aligned_alloc(kHuge, bytes);
    args.need(data != nullptr, "out of memory");
#ifdef MADV_HUGEPAGE
    madvise(data, bytes, MADV_HUGEPAGE);
#endif
    napi_value buffer;
    auto release = [](napi_env, void *p, void *) { std::free(p); };
    if (napi_create_external_arraybuffer(env, data, bytes, release, nullptr, &buffer) != napi_ok) {
      std::free(data);
      args.fail("external array buffers are not available");
    }
    napi_value out;
    napi_create_typedarray(env, napi_float32_array, static_cast<size_t>(floats), buffer, 0, &out);
    return out;
  });
}

napi_value PackedPanelsSize(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 2, "packedPanelsSize");
    int64_t k = args.integer(0), n = args.integer(1);
    args.need(k > 0 && n > 0, "dimensions must be positive");
    return jsInt(env, static_cast<int64_t>(ner::packedPanelsSize(static_cast<int>(k), static_cast<int>(n))));
  });
}

// gemmPacked(a, packed, out, m, n, k, bias | null): out (m x n) = a (m x k) @ the matrix
// packPanels packed (+ bias on every row).
napi_value GemmPacked(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 7, "gemmPacked");
    int64_t m = args.integer(3), n = args.integer(4), k = args.integer(5);
    args.need(m > 0 && n > 0 && k > 0, "dimensions must be positive");
    args.need(ner::panelGemmEnabled(), "the panel kernel is off (no AVX-512F, or switched off)");
    const float *a = args.f32(0, static_cast<size_t>(m * k));
    const float *packed = args.f32(1, ner::packedPanelsSize(static_cast<int>(k), static_cast<int>(n)));
    float *c = args.f32(2, static_cast<size_t>(m * n));
    const float *bias = args.f32OrNull(6, static_cast<size_t>(n));
    ner::panelGemm(a, false, packed, bias, c, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), true);
    return nullptr;
  });
}

napi_value PanelGemmEnabled(napi_env env, napi_callback_info) { return jsBool(env, ner::panelGemmEnabled()); }

// setPanelGemm(on): returns whether the panel kernel is now in use.
napi_value SetPanelGemm(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 1, "setPanelGemm");
    return jsBool(env, ner::setPanelGemm(args.boolean(0)));
  });
}

// unary(op, x, out)
napi_value Unary(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 3, "unary");
    auto x = args.f32(1), out = output(args.f32(2));
    args.need(x.size == out.size, "input and output sizes differ");
    ner::unary(static_cast<int>(args.integer(0)), x.data, out.data, x.size);
    return nullptr;
  });
}

// A collapsed broadcast, checked against the input and output lengths: (dims, aStrides,
// bStrides) from arguments `first` to `first + 2`.
struct Broadcast {
  std::vector<int64_t> dims, sa, sb;

  Broadcast(const Args &args, size_t first, size_t la, size_t lb, size_t lo)
      : dims(args.ints(first)), sa(args.ints(first + 1)), sb(args.ints(first + 2)) {
    int rank = static_cast<int>(dims.size());
    args.need(rank >= 1 && sa.size() == dims.size() && sb.size() == dims.size(), "rank mismatch");
    size_t total = 1;
    int64_t lastA = 0, lastB = 0;
    for (int d = 0; d < rank; d++) {
      args.need(dims[d] >= 0 && sa[d] >= 0 && sb[d] >= 0, "negative dimension or stride");
      total *= static_cast<size_t>(dims[d]);
      if (dims[d] > 0) {
        lastA += (dims[d] - 1) * sa[d];
        lastB += (dims[d] - 1) * sb[d];
      }
    }
    args.need(total == lo, "output size mismatch");
    if (total > 0) args.need(static_cast<size_t>(lastA) < la && static_cast<size_t>(lastB) < lb, "stride out of range");
  }
  int rank() const { return static_cast<int>(dims.size()); }
};

// binary(op, a, b, out, dims, aStrides, bStrides) and compare(... out: Uint8Array ...): a and b
// broadcast into out through the collapsed dims and strides; `readOut` reads out's array type.
template <typename Out, typename Kernel>
napi_value broadcastCall(napi_env env, napi_callback_info info, const char *fn,
                         ArrayArg<Out> (Args::*readOut)(size_t) const, Kernel kernel) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 7, fn);
    auto a = args.f32(1), b = args.f32(2);
    auto out = output((args.*readOut)(3));
    Broadcast bc(args, 4, a.size, b.size, out.size);
    kernel(static_cast<int>(args.integer(0)), a.data, b.data, out.data, bc.rank(), bc.dims.data(), bc.sa.data(),
           bc.sb.data());
    return nullptr;
  });
}

napi_value Binary(napi_env env, napi_callback_info info) {
  return broadcastCall(env, info, "binary", &Args::f32, ner::binary);
}

napi_value Compare(napi_env env, napi_callback_info info) {
  return broadcastCall(env, info, "compare", &Args::u8, ner::compare);
}

// reduce(op, x, out, outer, r, inner)
napi_value Reduce(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 6, "reduce");
    auto x = args.f32(1), out = args.f32(2);
    size_t outer = static_cast<size_t>(args.integer(3)), r = static_cast<size_t>(args.integer(4)),
           inner = static_cast<size_t>(args.integer(5));
    args.need(x.size == outer * r * inner && out.size == outer * inner, "size mismatch");
    ner::reduce(static_cast<int>(args.integer(0)), x.data, out.data, outer, r, inner);
    return nullptr;
  });
}

// softmax(x, out, cols)
napi_value Softmax(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 3, "softmax");
    auto x = args.f32(0), out = output(args.f32(1));
    size_t cols = static_cast<size_t>(args.integer(2));
    args.need(x.size == out.size && cols > 0 && x.size % cols == 0, "size mismatch");
    ner::softmax(x.data, out.data, x.size / cols, cols);
    return nullptr;
  });
}

// softmaxGrad(dy, y, dx, cols)
napi_value SoftmaxGrad(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 4, "softmaxGrad");
    auto y = args.f32(1);
    const float *dy = args.f32(0, y.size);
    float *dx = outputF32(args, 2, y.size);
    size_t cols = static_cast<size_t>(args.integer(3));
    args.need(cols > 0 && y.size % cols == 0, "size mismatch");
    ner::softmaxGrad(dy, y.data, dx, y.size / cols, cols);
    return nullptr;
  });
}

// transpose(x, out, shape, perm)
napi_value Transpose(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 4, "transpose");
    auto x = args.u32(0), out = output(args.u32(1));
    std::vector<int64_t> shape = args.ints(2), perm = args.ints(3);
    args.need(shape.size() == perm.size() && !shape.empty(), "rank mismatch");
    size_t total = 1;
    std::vector<bool> seen(shape.size(), false);
    for (size_t d = 0; d < shape.size(); d++) {
      total *= static_cast<size_t>(shape[d]);
      args.need(perm[d] >= 0 && static_cast<size_t>(perm[d]) < shape.size() && !seen[perm[d]], "bad perm");
      seen[perm[d]] = true;
    }
    args.need(x.size == total && out.size == total, "size mismatch");
    ner::transpose(x.data, out.data, static_cast<int>(shape.size()), shape.data(), perm.data());
    return nullptr;
  });
}

// gather(params, indices, out, outer, axisDim, inner) -> -1 or position of a bad index
napi_value Gather(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 6, "gather");
    auto params = args.u32(0), out = args.u32(2);
    auto indices = args.i32(1);
    size_t outer = static_cast<size_t>(args.integer(3)), axisDim = static_cast<size_t>(args.integer(4)),
           inner = static_cast<size_t>(args.integer(5));
    args.need(params.size == outer * axisDim * inner && out.size == outer * indices.size * inner, "size mismatch");
    return jsInt(env, ner::gather(params.data, indices.data, out.data, outer, axisDim, inner, indices.size));
  });
}

// scatterAdd(indices, k, strides, updates, out, sliceSize, skipInvalid) -> -1 or position of a bad index
napi_value ScatterAdd(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 7, "scatterAdd");
    auto indices = args.i32(0);
    size_t k = static_cast<size_t>(args.integer(1));
    std::vector<int64_t> strides = args.ints(2);
    auto updates = args.f32(3), out = args.f32(4);
    size_t sliceSize = static_cast<size_t>(args.integer(5));
    args.need(k >= 1 && strides.size() == k && indices.size % k == 0, "bad index depth");
    size_t nRows = indices.size / k;
    args.need(updates.size == nRows * sliceSize, "updates size mismatch");
    args.need(sliceSize > 0 && out.size % sliceSize == 0, "output size mismatch");
    return jsInt(env, ner::scatterAdd(indices.data, k, strides.data(), updates.data, out.data, nRows, sliceSize,
                                      out.size / sliceSize, args.boolean(6)));
  });
}

// adamw(param, grad, m, v, outParam, outM, outV, decayFactor, beta1, beta2, biasCorrection2Sqrt, eps, stepSize,
//       gradMultiplier)
napi_value AdamW(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 14, "adamw");
    const size_t n = args.f32(0).size;
    float *p[7];
    for (size_t i = 0; i < 7; i++) p[i] = i < 4 ? args.f32(i, n) : outputF32(args, i, n);
    ner::adamw(p[0], p[1], p[2], p[3], p[4], p[5], p[6], n, args.number(7), args.number(8), args.number(9),
               args.number(10), args.number(11), args.number(12), static_cast<float>(args.number(13)));
    return nullptr;
  });
}

// Rows of an [rows, n] float32 argument `i` whose row length n is argument `nArg`.
size_t rowsOf(const Args &args, size_t i, size_t nArg, size_t *n) {
  const int64_t width = args.integer(nArg);
  const size_t length = args.f32(i).size;
  args.need(width > 0 && length % static_cast<size_t>(width) == 0, "x is not rows x n");
  *n = static_cast<size_t>(width);
  return length / *n;
}

// layerNorm(x, gamma, beta, y, mean, rstd, n, eps): rows = x.length / n.
napi_value LayerNorm(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 8, "layerNorm");
    size_t n = 0;
    const size_t rows = rowsOf(args, 0, 6, &n);
    float *x = args.f32(0).data, *gamma = args.f32(1, n), *beta = args.f32(2, n);
    float *y = outputF32(args, 3, rows * n), *mean = args.f32(4, rows), *rstd = args.f32(5, rows);
    ner::layerNorm(x, gamma, beta, y, mean, rstd, rows, n, static_cast<float>(args.number(7)));
    return nullptr;
  });
}

// embeddings(inputIds, tokenTypeIds | null, words, positions, types | null, gamma, beta, y, batch,
// length, hidden, eps) -> -1, or where the first id out of its table's range is (see
// firstInvalidEmbeddingId; nothing written then). Tables [rows, hidden]; y [batch * length, hidden].
napi_value Embeddings(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 12, "embeddings");
    const size_t batch = static_cast<size_t>(args.positive(8)), length = static_cast<size_t>(args.positive(9)),
                 hidden = static_cast<size_t>(args.positive(10));
    const size_t rows = batch * length;
    const int32_t *inputIds = args.i32(0).data;
    args.need(args.i32(0).size == rows, "inputIds must hold batch x length ids");
    // A table's row count from its size; every table must be whole rows of `hidden`.
    auto table = [&](size_t i, const char *what, size_t *count) {
      ArrayArg<float> t = args.f32(i);
      args.need(t.size > 0 && t.size % hidden == 0, what);
      *count = t.size / hidden;
      return t.data;
    };
    ner::EmbeddingTables tables;
    tables.words = table(2, "wordEmbeddings must be [vocab, hidden]", &tables.vocab);
    tables.positions = table(3, "positionEmbeddings must be [positions, hidden]", &tables.maxPositions);
    args.need(length <= tables.maxPositions, "the sequence is longer than the position table");
    const int32_t *tokenTypeIds = nullptr;
    args.need(args.isNull(1) == args.isNull(4), "tokenTypeIds and tokenTypeEmbeddings come together");
    if (!args.isNull(4)) {
      tables.types = table(4, "tokenTypeEmbeddings must be [types, hidden]", &tables.typeVocab);
      tokenTypeIds = args.i32(1).data;
      args.need(args.i32(1).size == rows, "tokenTypeIds must hold batch x length ids");
    }
    tables.gamma = args.f32(5, hidden);
    tables.beta = args.f32(6, hidden);
    float *y = args.f32(7, rows * hidden);
    const int64_t invalid = ner::firstInvalidEmbeddingId(inputIds, tokenTypeIds, rows, tables);
    if (invalid >= 0) return jsInt(env, invalid);
    ner::embeddingsForward(inputIds, tokenTypeIds, tables, y, batch, length, hidden,
                           static_cast<float>(args.number(11)));
    return jsInt(env, -1);
  });
}

// layerNormGrad(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, n).
napi_value LayerNormGrad(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 9, "layerNormGrad");
    size_t n = 0;
    const size_t rows = rowsOf(args, 1, 8, &n);
    float *dy = args.f32(0, rows * n), *x = args.f32(1).data, *gamma = args.f32(2, n);
    float *mean = args.f32(3, rows), *rstd = args.f32(4, rows);
    float *dx = outputF32(args, 5, rows * n), *dgamma = args.f32(6, n), *dbeta = args.f32(7, n);
    ner::layerNormGrad(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, n);
    return nullptr;
  });
}

// geluErf(x, y)
napi_value GeluErf(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 2, "geluErf");
    auto x = args.f32(0);
    ner::geluErf(x.data, outputF32(args, 1, x.size), x.size);
    return nullptr;
  });
}

// geluErfGrad(dy, x, dx)
napi_value GeluErfGrad(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 3, "geluErfGrad");
    auto x = args.f32(1);
    const float *dy = args.f32(0, x.size);
    ner::geluErfGrad(dy, x.data, outputF32(args, 2, x.size), x.size);
    return nullptr;
  });
}

napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 1, "setNumThreads");
    ner::setNumThreads(static_cast<int>(args.integer(0)));
    return nullptr;
  });
}

// Keeps freed tensor memory in the heap for reuse instead of returning it to the OS
// (and faulting fresh zero pages in again on the next allocation, ~4 us per 4 KiB page
// here). Process-wide, so only on request: see tuneMalloc in src/addon.ts.
napi_value TuneMalloc(napi_env env, napi_callback_info) {
  bool ok = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1;
  ok = mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024) == 1 && ok;
  return jsBool(env, ok);
}

napi_value GetNumThreads(napi_env env, napi_callback_info) { return jsInt(env, ner::numThreads()); }

// openblas_get_config(), or "" when the addon was built without OpenBLAS.
napi_value BlasConfig(napi_env env, napi_callback_info) {
#ifdef NER_HAVE_OPENBLAS
  return jsString(env, openblas_get_config());
#else
  return jsString(env, "");
#endif
}

// gemmKernel(): "avx512", "openblas", "avx2" or "generic", whichever gemm() uses now.
napi_value GemmKernelName(napi_env env, napi_callback_info) {
  return jsString(env, ner::gemmKernelName(ner::gemmKernel()));
}

// setGemmKernel(name): switches gemm(); returns false when this CPU or build lacks that kernel.
napi_value SetGemmKernel(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args args(env, info, 1, "setGemmKernel");
    size_t length = 0;
    char name[16] = {0};
    if (napi_get_value_string_utf8(env, args.value(0), name, sizeof(name), &length) != napi_ok)
      args.fail("argument 0 must be a string");
    const std::string wanted(name, length);
    bool ok = false;
    bool known = false;
    for (auto kernel : {ner::GemmKernel::kAvx512, ner::GemmKernel::kOpenBlas, ner::GemmKernel::kAvx2,
                        ner::GemmKernel::kGeneric}) {
      if (wanted == ner::gemmKernelName(kernel)) {
        known = true;
        ok = ner::setGemmKernel(kernel);
      }
    }
    args.need(known, "unknown kernel (expected avx512, openblas, avx2 or generic)");
    return jsBool(env, ok);
  });
}

napi_value BuiltWithOpenBlas(napi_env env, napi_callback_info) { return jsBool(env, ner::builtWithOpenBlas()); }

// Init runs once per JS environment that loads the addon (the main thread and every worker
// thread), but the shared library, its statics and its thread pool are loaded once per process.
// So process-wide defaults are set on the first load only: a worker starting must not reset a
// thread count that the main thread chose. Nothing here is per environment (no instance data):
// the addon keeps no JS handles, and the only JS-owned memory (allocPacked) is freed by its
// array buffer's finalizer in the environment that made it. Nothing static frees shared state
// on unload either (the pool is never destroyed; Node does not dlclose addons).
std::once_flag gProcessDefaults;

napi_value Init(napi_env env, napi_value exports) {
  std::call_once(gProcessDefaults, [] {
    unsigned hw = std::thread::hardware_concurrency();
    ner::setNumThreads(hw == 0 ? 1 : static_cast<int>(hw));
  });
  const ner::Export functions[] = {
      {"gemm", Gemm},          {"unary", Unary},
      {"binary", Binary},       {"compare", Compare},     {"reduce", Reduce},
      {"softmax", Softmax},     {"softmaxGrad", SoftmaxGrad},     {"transpose", Transpose},
      {"gather", Gather},       {"scatterAdd", ScatterAdd},
      {"adamw", AdamW},         {"setNumThreads", SetNumThreads},
      {"getNumThreads", GetNumThreads}, {"blasConfig", BlasConfig},
      {"tuneMalloc", TuneMalloc},
      {"packPanels", PackPanels}, {"packedPanelsSize", PackedPanelsSize},
      {"allocPacked", AllocPacked},
      {"layerNorm", LayerNorm},   {"layerNormGrad", LayerNormGrad},
      {"embeddings", Embeddings},
      {"geluErf", GeluErf},       {"geluErfGrad", GeluErfGrad},
      {"gemmPacked", GemmPacked}, {"panelGemmEnabled", PanelGemmEnabled},
      {"setPanelGemm", SetPanelGemm},
      {"gemmKernel", GemmKernelName}, {"setGemmKernel", SetGemmKernel},
      {"builtWithOpenBlas", BuiltWithOpenBlas},
  };
  ner::exportFunctions(env, exports, functions);
  ner::registerInferenceFunctions(env, exports);
  ner::registerAutocastFunctions(env, exports);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
