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

#include "kernels.h"
#include "parallel.h"

namespace ner {

// Process-wide, like OpenBLAS' own count: every worker_threads worker shares this addon
// instance, so a count set on any thread applies to all of them.
static std::atomic<int> gThreads{1};
int numThreads() { return gThreads.load(std::memory_order_relaxed); }
// inference_binding.cc: the fused inference kernels' functions.
void registerInferenceFunctions(napi_env env, napi_value exports);
void setNumThreads(int n) {
  gThreads.store(n < 1 ? 1 : n, std::memory_order_relaxed);
  setBlasThreads(n < 1 ? 1 : n);
}

}  // namespace ner

namespace {

struct ArgError {
  std::string message;
};

napi_value throwError(napi_env env, const std::string &message) {
  napi_throw_error(env, "NER_NATIVE", message.c_str());
  return nullptr;
}

struct Args {
  napi_env env;
  std::vector<napi_value> values;
  const char *fn;

  Args(napi_env e, napi_callback_info info, size_t expected, const char *name) : env(e), fn(name) {
    size_t argc = expected;
    values.resize(expected);
    napi_get_cb_info(env, info, &argc, values.data(), nullptr, nullptr);
    if (argc < expected) throw ArgError{std::string(fn) + ": expected " + std::to_string(expected) + " arguments"};
  }

  void *typed(size_t i, napi_typedarray_type want1, napi_typedarray_type want2, size_t *length) {
    bool isTyped = false;
    napi_is_typedarray(env, values[i], &isTyped);
    if (!isTyped) throw ArgError{std::string(fn) + ": argument " + std::to_string(i) + " must be a typed array"};
    napi_typedarray_type type;
    void *data = nullptr;
    napi_value buffer;
    size_t offset = 0;
    napi_get_typedarray_info(env, values[i], &type, length, &data, &buffer, &offset);
    if (type != want1 && type != want2)
      throw ArgError{std::string(fn) + ": argument " + std::to_string(i) + " has the wrong typed-array type"};
    return data;
  }
  float *f32(size_t i, size_t *length) {
    return static_cast<float *>(typed(i, napi_float32_array, napi_float32_array, length));
  }
  int32_t *i32(size_t i, size_t *length) {
    return static_cast<int32_t *>(typed(i, napi_int32_array, napi_int32_array, length));
  }
  uint8_t *u8(size_t i, size_t *length) {
    return static_cast<uint8_t *>(typed(i, napi_uint8_array, napi_uint8_array, length));
  }
  // Any 4-byte element array (float32 or int32), for data movement kernels.
  uint32_t *u32(size_t i, size_t *length) {
    return static_cast<uint32_t *>(typed(i, napi_float32_array, napi_int32_array, length));
  }
  std::vector<int64_t> ints(size_t i) {
    size_t n = 0;
    int32_t *p = i32(i, &n);
    return std::vector<int64_t>(p, p + n);
  }
  bool isNull(size_t i) {
    napi_valuetype type;
    napi_typeof(env, values[i], &type);
    return type == napi_null || type == napi_undefined;
  }
  int64_t integer(size_t i) {
    int64_t v = 0;
    if (napi_get_value_int64(env, values[i], &v) != napi_ok)
      throw ArgError{std::string(fn) + ": argument " + std::to_string(i) + " must be a number"};
    return v;
  }
  double number(size_t i) {
    double v = 0;
    if (napi_get_value_double(env, values[i], &v) != napi_ok)
      throw ArgError{std::string(fn) + ": argument " + std::to_string(i) + " must be a number"};
    return v;
  }
  bool boolean(size_t i) {
    bool v = false;
    if (napi_get_value_bool(env, values[i], &v) != napi_ok)
      throw ArgError{std::string(fn) + ": argument " + std::to_string(i) + " must be a boolean"};
    return v;
  }
};

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

napi_value makeInt(napi_env env, int64_t v) {
  napi_value out;
  napi_create_int64(env, v, &out);
  return out;
}

void need(bool ok, const char *fn, const char *what) {
  if (!ok) throw ArgError{std::string(fn) + ": " + what};
}

#define NER_GUARD(...)                               \
  try {                                              \
    __VA_ARGS__                                             \
  } catch (const ArgError &e) {                      \
    return throwError(env, e.message);               \
  } catch (const std::exception &e) {                \
    return throwError(env, e.what());                \
  }

// gemm(a, b, out, aOffsets, bOffsets, m, n, k, transA, transB); offsets are element offsets per batch.
napi_value Gemm(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 10, "gemm");
    size_t la, lb, lc;
    float *a = args.f32(0, &la);
    float *b = args.f32(1, &lb);
    float *c = args.f32(2, &lc);
    std::vector<int64_t> aOff = args.ints(3);
    std::vector<int64_t> bOff = args.ints(4);
    int64_t m = args.integer(5), n = args.integer(6), k = args.integer(7);
    bool transA = args.boolean(8);
    bool transB = args.boolean(9);
    need(m >= 0 && n >= 0 && k >= 0, "gemm", "negative dimension");
    need(aOff.size() == bOff.size(), "gemm", "offset arrays differ in length");
    size_t batch = aOff.size();
    need(lc == batch * static_cast<size_t>(m * n), "gemm", "output size mismatch");
    for (size_t i = 0; i < batch; i++) {
      need(aOff[i] >= 0 && static_cast<size_t>(aOff[i] + m * k) <= la, "gemm", "a offset out of range");
      need(bOff[i] >= 0 && static_cast<size_t>(bOff[i] + k * n) <= lb, "gemm", "b offset out of range");
    }
    adviseHugePages(c, lc * sizeof(float));
    ner::gemm(a, b, c, aOff.data(), bOff.data(), batch, static_cast<int>(m), static_cast<int>(n),
              static_cast<int>(k), transA, transB);
    return nullptr;
  })
}

// packPanels(b, transB, k, n, packed): packed.length must be packedPanelsSize(k, n).
napi_value PackPanels(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 5, "packPanels");
    size_t lb, lp;
    float *b = args.f32(0, &lb);
    bool transB = args.boolean(1);
    int64_t k = args.integer(2), n = args.integer(3);
    float *packed = args.f32(4, &lp);
    need(k > 0 && n > 0, "packPanels", "dimensions must be positive");
    need(lb == static_cast<size_t>(k * n), "packPanels", "b does not have k * n elements");
    need(lp == ner::packedPanelsSize(static_cast<int>(k), static_cast<int>(n)), "packPanels",
         "packed buffer has the wrong size");
    ner::packPanels(b, transB, static_cast<int>(k), static_cast<int>(n), packed);
    return nullptr;
  })
}

// allocPacked(floats): a Float32Array on fresh memory aligned to 2 MiB and advised for
// transparent huge pages, freed when V8 collects it. For packed weight copies, which every
// few-row product streams whole from memory: huge pages spare the TLB misses of walking
// 340 MB (bert-base) in 4 KiB pages. Throws when the memory cannot be had.
napi_value AllocPacked(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 1, "allocPacked");
    int64_t floats = args.integer(0);
    need(floats > 0, "allocPacked", "size must be positive");
    constexpr size_t kHuge = 2 * 1024 * 1024;
    // Aligned start, exact size (glibc takes any size; rounding up would waste up to 2 MiB per
    // matrix): the whole 2 MiB stretches get huge pages, the tail small ones.
    size_t bytes = static_cast<size_t>(floats) * sizeof(float);
    void *data = std::aligned_alloc(kHuge, bytes);
    need(data != nullptr, "allocPacked", "out of memory");
#ifdef MADV_HUGEPAGE
    madvise(data, bytes, MADV_HUGEPAGE);
#endif
    napi_value buffer;
    auto release = [](napi_env, void *p, void *) { std::free(p); };
    if (napi_create_external_arraybuffer(env, data, bytes, release, nullptr, &buffer) != napi_ok) {
      std::free(data);
      throw ArgError{"allocPacked: external array buffers are not available"};
    }
    napi_value out;
    napi_create_typedarray(env, napi_float32_array, static_cast<size_t>(floats), buffer, 0, &out);
    return out;
  })
}

napi_value PackedPanelsSize(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 2, "packedPanelsSize");
    int64_t k = args.integer(0), n = args.integer(1);
    need(k > 0 && n > 0, "packedPanelsSize", "dimensions must be positive");
    return makeInt(env, static_cast<int64_t>(ner::packedPanelsSize(static_cast<int>(k), static_cast<int>(n))));
  })
}

// gemmPacked(a, packed, out, m, n, k, bias | null): out (m x n) = a (m x k) @ the matrix
// packPanels packed (+ bias on every row).
napi_value GemmPacked(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 7, "gemmPacked");
    size_t la, lp, lc;
    float *a = args.f32(0, &la);
    float *packed = args.f32(1, &lp);
    float *c = args.f32(2, &lc);
    int64_t m = args.integer(3), n = args.integer(4), k = args.integer(5);
    need(m > 0 && n > 0 && k > 0, "gemmPacked", "dimensions must be positive");
    need(ner::panelGemmEnabled(), "gemmPacked", "the panel kernel is off (no AVX-512F, or switched off)");
    need(la == static_cast<size_t>(m * k), "gemmPacked", "a is not m x k");
    need(lc == static_cast<size_t>(m * n), "gemmPacked", "output is not m x n");
    need(lp == ner::packedPanelsSize(static_cast<int>(k), static_cast<int>(n)), "gemmPacked",
         "packed matrix has the wrong size");
    const float *bias = nullptr;
    if (!args.isNull(6)) {
      size_t lbias;
      bias = args.f32(6, &lbias);
      need(lbias == static_cast<size_t>(n), "gemmPacked", "bias must have n elements");
    }
    ner::panelGemm(a, false, packed, bias, c, static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), true);
    return nullptr;
  })
}

napi_value PanelGemmEnabled(napi_env env, napi_callback_info) {
  napi_value out;
  napi_get_boolean(env, ner::panelGemmEnabled(), &out);
  return out;
}

// setPanelGemm(on): returns whether the panel kernel is now in use.
napi_value SetPanelGemm(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 1, "setPanelGemm");
    napi_value out;
    napi_get_boolean(env, ner::setPanelGemm(args.boolean(0)), &out);
    return out;
  })
}

napi_value Unary(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 3, "unary");
    int op = static_cast<int>(args.integer(0));
    size_t lx, lo;
    float *x = args.f32(1, &lx);
    float *out = args.f32(2, &lo);
    need(lx == lo, "unary", "input and output sizes differ");
    adviseHugePages(out, lo * sizeof(float));
    ner::unary(op, x, out, lx);
    return nullptr;
  })
}

// Checks a collapsed broadcast against the input and output lengths.
void checkBroadcast(const char *fn, const std::vector<int64_t> &dims, const std::vector<int64_t> &sa,
                    const std::vector<int64_t> &sb, size_t la, size_t lb, size_t lo) {
  int rank = static_cast<int>(dims.size());
  need(rank >= 1 && sa.size() == dims.size() && sb.size() == dims.size(), fn, "rank mismatch");
  size_t total = 1;
  int64_t lastA = 0, lastB = 0;
  for (int d = 0; d < rank; d++) {
    need(dims[d] >= 0 && sa[d] >= 0 && sb[d] >= 0, fn, "negative dimension or stride");
    total *= static_cast<size_t>(dims[d]);
    if (dims[d] > 0) {
      lastA += (dims[d] - 1) * sa[d];
      lastB += (dims[d] - 1) * sb[d];
    }
  }
  need(total == lo, fn, "output size mismatch");
  if (total > 0) need(static_cast<size_t>(lastA) < la && static_cast<size_t>(lastB) < lb, fn, "stride out of range");
}

// binary(op, a, b, out, dims, aStrides, bStrides)
napi_value Binary(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 7, "binary");
    int op = static_cast<int>(args.integer(0));
    size_t la, lb, lo;
    float *a = args.f32(1, &la);
    float *b = args.f32(2, &lb);
    float *out = args.f32(3, &lo);
    std::vector<int64_t> dims = args.ints(4), sa = args.ints(5), sb = args.ints(6);
    checkBroadcast("binary", dims, sa, sb, la, lb, lo);
    adviseHugePages(out, lo * sizeof(float));
    ner::binary(op, a, b, out, static_cast<int>(dims.size()), dims.data(), sa.data(), sb.data());
    return nullptr;
  })
}

// compare(op, a, b, out: Uint8Array, dims, aStrides, bStrides)
napi_value Compare(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 7, "compare");
    int op = static_cast<int>(args.integer(0));
    size_t la, lb, lo;
    float *a = args.f32(1, &la);
    float *b = args.f32(2, &lb);
    uint8_t *out = args.u8(3, &lo);
    std::vector<int64_t> dims = args.ints(4), sa = args.ints(5), sb = args.ints(6);
    checkBroadcast("compare", dims, sa, sb, la, lb, lo);
    ner::compare(op, a, b, out, static_cast<int>(dims.size()), dims.data(), sa.data(), sb.data());
    return nullptr;
  })
}

// reduce(op, x, out, outer, r, inner)
napi_value Reduce(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 6, "reduce");
    int op = static_cast<int>(args.integer(0));
    size_t lx, lo;
    float *x = args.f32(1, &lx);
    float *out = args.f32(2, &lo);
    size_t outer = static_cast<size_t>(args.integer(3)), r = static_cast<size_t>(args.integer(4)),
           inner = static_cast<size_t>(args.integer(5));
    need(lx == outer * r * inner && lo == outer * inner, "reduce", "size mismatch");
    ner::reduce(op, x, out, outer, r, inner);
    return nullptr;
  })
}

napi_value Softmax(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 3, "softmax");
    size_t lx, lo;
    float *x = args.f32(0, &lx);
    float *out = args.f32(1, &lo);
    size_t cols = static_cast<size_t>(args.integer(2));
    need(lx == lo && cols > 0 && lx % cols == 0, "softmax", "size mismatch");
    adviseHugePages(out, lo * sizeof(float));
    ner::softmax(x, out, lx / cols, cols);
    return nullptr;
  })
}

// transpose(x, out, shape, perm)
napi_value Transpose(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 4, "transpose");
    size_t lx, lo;
    uint32_t *x = args.u32(0, &lx);
    uint32_t *out = args.u32(1, &lo);
    std::vector<int64_t> shape = args.ints(2), perm = args.ints(3);
    need(shape.size() == perm.size() && !shape.empty(), "transpose", "rank mismatch");
    size_t total = 1;
    std::vector<bool> seen(shape.size(), false);
    for (size_t d = 0; d < shape.size(); d++) {
      total *= static_cast<size_t>(shape[d]);
      need(perm[d] >= 0 && static_cast<size_t>(perm[d]) < shape.size() && !seen[perm[d]], "transpose", "bad perm");
      seen[perm[d]] = true;
    }
    need(lx == total && lo == total, "transpose", "size mismatch");
    adviseHugePages(out, lo * sizeof(uint32_t));
    ner::transpose(x, out, static_cast<int>(shape.size()), shape.data(), perm.data());
    return nullptr;
  })
}

// gather(params, indices, out, outer, axisDim, inner) -> -1 or position of a bad index
napi_value Gather(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 6, "gather");
    size_t lp, li, lo;
    uint32_t *params = args.u32(0, &lp);
    int32_t *indices = args.i32(1, &li);
    uint32_t *out = args.u32(2, &lo);
    size_t outer = static_cast<size_t>(args.integer(3)), axisDim = static_cast<size_t>(args.integer(4)),
           inner = static_cast<size_t>(args.integer(5));
    need(lp == outer * axisDim * inner && lo == outer * li * inner, "gather", "size mismatch");
    return makeInt(env, ner::gather(params, indices, out, outer, axisDim, inner, li));
  })
}

// scatterAdd(indices, k, strides, updates, out, sliceSize, skipInvalid) -> -1 or position of a bad index
napi_value ScatterAdd(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 7, "scatterAdd");
    size_t li, lu, lo;
    int32_t *indices = args.i32(0, &li);
    size_t k = static_cast<size_t>(args.integer(1));
    std::vector<int64_t> strides = args.ints(2);
    float *updates = args.f32(3, &lu);
    float *out = args.f32(4, &lo);
    size_t sliceSize = static_cast<size_t>(args.integer(5));
    bool skipInvalid = args.boolean(6);
    need(k >= 1 && strides.size() == k && li % k == 0, "scatterAdd", "bad index depth");
    size_t nRows = li / k;
    need(lu == nRows * sliceSize, "scatterAdd", "updates size mismatch");
    need(sliceSize > 0 && lo % sliceSize == 0, "scatterAdd", "output size mismatch");
    return makeInt(env, ner::scatterAdd(indices, k, strides.data(), updates, out, nRows, sliceSize,
                                        lo / sliceSize, skipInvalid));
  })
}

// adamw(param, grad, m, v, outParam, outM, outV, decayFactor, beta1, beta2, biasCorrection2Sqrt, eps, stepSize)
napi_value AdamW(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 13, "adamw");
    size_t n[7];
    float *p[7];
    for (size_t i = 0; i < 7; i++) p[i] = args.f32(i, &n[i]);
    for (size_t i = 1; i < 7; i++) need(n[i] == n[0], "adamw", "all arrays must have the same length");
    for (size_t i = 4; i < 7; i++) adviseHugePages(p[i], n[i] * sizeof(float));
    ner::adamw(p[0], p[1], p[2], p[3], p[4], p[5], p[6], n[0], args.number(7), args.number(8), args.number(9),
               args.number(10), args.number(11), args.number(12));
    return nullptr;
  })
}

// layerNorm(x, gamma, beta, y, mean, rstd, n, eps): rows = x.length / n.
napi_value LayerNorm(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 8, "layerNorm");
    size_t lx, lg, lb, ly, lm, lr;
    float *x = args.f32(0, &lx), *gamma = args.f32(1, &lg), *beta = args.f32(2, &lb);
    float *y = args.f32(3, &ly), *mean = args.f32(4, &lm), *rstd = args.f32(5, &lr);
    int64_t n = args.integer(6);
    need(n > 0 && lx % static_cast<size_t>(n) == 0, "layerNorm", "x is not rows x n");
    size_t rows = lx / static_cast<size_t>(n);
    need(lg == static_cast<size_t>(n) && lb == static_cast<size_t>(n), "layerNorm", "gamma and beta must have n elements");
    need(ly == lx && lm == rows && lr == rows, "layerNorm", "output sizes do not match x");
    adviseHugePages(y, ly * sizeof(float));
    ner::layerNorm(x, gamma, beta, y, mean, rstd, rows, static_cast<size_t>(n), static_cast<float>(args.number(7)));
    return nullptr;
  })
}

// layerNormGrad(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, n).
napi_value LayerNormGrad(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 9, "layerNormGrad");
    size_t ld, lx, lg, lm, lr, ldx, ldg, ldb;
    float *dy = args.f32(0, &ld), *x = args.f32(1, &lx), *gamma = args.f32(2, &lg);
    float *mean = args.f32(3, &lm), *rstd = args.f32(4, &lr);
    float *dx = args.f32(5, &ldx), *dgamma = args.f32(6, &ldg), *dbeta = args.f32(7, &ldb);
    int64_t n = args.integer(8);
    need(n > 0 && lx % static_cast<size_t>(n) == 0, "layerNormGrad", "x is not rows x n");
    size_t rows = lx / static_cast<size_t>(n);
    need(ld == lx && ldx == lx, "layerNormGrad", "dy and dx must match x");
    need(lg == static_cast<size_t>(n) && ldg == lg && ldb == lg, "layerNormGrad", "gamma, dgamma, dbeta must have n elements");
    need(lm == rows && lr == rows, "layerNormGrad", "mean and rstd must have one value per row");
    adviseHugePages(dx, ldx * sizeof(float));
    ner::layerNormGrad(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, static_cast<size_t>(n));
    return nullptr;
  })
}

// geluErf(x, y) and geluErfGrad(dy, x, dx).
napi_value GeluErf(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 2, "geluErf");
    size_t lx, ly;
    float *x = args.f32(0, &lx), *y = args.f32(1, &ly);
    need(lx == ly, "geluErf", "input and output sizes differ");
    adviseHugePages(y, ly * sizeof(float));
    ner::geluErf(x, y, lx);
    return nullptr;
  })
}

napi_value GeluErfGrad(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 3, "geluErfGrad");
    size_t ld, lx, lo;
    float *dy = args.f32(0, &ld), *x = args.f32(1, &lx), *dx = args.f32(2, &lo);
    need(ld == lx && lo == lx, "geluErfGrad", "dy, x and dx sizes differ");
    adviseHugePages(dx, lo * sizeof(float));
    ner::geluErfGrad(dy, x, dx, lx);
    return nullptr;
  })
}

napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 1, "setNumThreads");
    ner::setNumThreads(static_cast<int>(args.integer(0)));
    return nullptr;
  })
}

// Keeps freed tensor memory in the heap for reuse instead of returning it to the OS
// (and faulting fresh zero pages in again on the next allocation, ~4 us per 4 KiB page
// here). Process-wide, so only on request: see tuneMalloc in src/addon.ts.
napi_value TuneMalloc(napi_env env, napi_callback_info) {
  bool ok = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1;
  ok = mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024) == 1 && ok;
  napi_value out;
  napi_get_boolean(env, ok, &out);
  return out;
}

napi_value GetNumThreads(napi_env env, napi_callback_info) { return makeInt(env, ner::numThreads()); }

// openblas_get_config(), or "" when the addon was built without OpenBLAS.
napi_value BlasConfig(napi_env env, napi_callback_info) {
  napi_value out;
#ifdef NER_HAVE_OPENBLAS
  const char *config = openblas_get_config();
#else
  const char *config = "";
#endif
  napi_create_string_utf8(env, config ? config : "", NAPI_AUTO_LENGTH, &out);
  return out;
}

// gemmKernel(): "avx512", "openblas", "avx2" or "generic", whichever gemm() uses now.
napi_value GemmKernelName(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_string_utf8(env, ner::gemmKernelName(ner::gemmKernel()), NAPI_AUTO_LENGTH, &out);
  return out;
}

// setGemmKernel(name): switches gemm(); returns false when this CPU or build lacks that kernel.
napi_value SetGemmKernel(napi_env env, napi_callback_info info) {
  NER_GUARD({
    Args args(env, info, 1, "setGemmKernel");
    size_t length = 0;
    char name[16] = {0};
    if (napi_get_value_string_utf8(env, args.values[0], name, sizeof(name), &length) != napi_ok)
      throw ArgError{"setGemmKernel: argument 0 must be a string"};
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
    need(known, "setGemmKernel", "unknown kernel (expected avx512, openblas, avx2 or generic)");
    napi_value out;
    napi_get_boolean(env, ok, &out);
    return out;
  })
}

napi_value BuiltWithOpenBlas(napi_env env, napi_callback_info) {
  napi_value out;
  napi_get_boolean(env, ner::builtWithOpenBlas(), &out);
  return out;
}

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
  struct Entry {
    const char *name;
    napi_callback fn;
  } entries[] = {
      {"gemm", Gemm},          {"unary", Unary},
      {"binary", Binary},       {"compare", Compare},     {"reduce", Reduce},
      {"softmax", Softmax},     {"transpose", Transpose},
      {"gather", Gather},       {"scatterAdd", ScatterAdd},
      {"adamw", AdamW},         {"setNumThreads", SetNumThreads},
      {"getNumThreads", GetNumThreads}, {"blasConfig", BlasConfig},
      {"tuneMalloc", TuneMalloc},
      {"packPanels", PackPanels}, {"packedPanelsSize", PackedPanelsSize},
      {"allocPacked", AllocPacked},
      {"layerNorm", LayerNorm},   {"layerNormGrad", LayerNormGrad},
      {"geluErf", GeluErf},       {"geluErfGrad", GeluErfGrad},
      {"gemmPacked", GemmPacked}, {"panelGemmEnabled", PanelGemmEnabled},
      {"setPanelGemm", SetPanelGemm},
      {"gemmKernel", GemmKernelName}, {"setGemmKernel", SetGemmKernel},
      {"builtWithOpenBlas", BuiltWithOpenBlas},
  };
  for (const auto &e : entries) {
    napi_value fn;
    napi_create_function(env, e.name, NAPI_AUTO_LENGTH, e.fn, nullptr, &fn);
    napi_set_named_property(env, exports, e.name, fn);
  }
  ner::registerInferenceFunctions(env, exports);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
