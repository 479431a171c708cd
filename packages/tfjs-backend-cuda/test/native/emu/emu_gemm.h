// The emulator's product, for runs too big for the fake device's float64 JS loop (the main job on
// the emulated kernels): a FakeCudaDevice `runGemm` on OpenBLAS's sgemm, one call per batch entry,
// then cuBLASLt's bias and relu epilogues; bf16 operands are widened to float32 first (exact), so
// the sums are of the bf16-rounded values, in float32 as cuBLASLt's CUBLAS_COMPUTE_32F. Built only
// when asked (buildEmulator's `blas`), linked with -lopenblas.
#pragma once

#include <node_api.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a,
                            int lda, const float *b, int ldb, float beta, float *c, int ldc);

namespace ner_emu_gemm {

constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;

inline napi_value field(napi_env env, napi_value desc, const char *key) {
  napi_value v;
  napi_get_named_property(env, desc, key, &v);
  return v;
}
inline double number(napi_env env, napi_value desc, const char *key) {
  double x = 0;
  if (napi_get_value_double(env, field(env, desc, key), &x) != napi_ok)
    throw std::runtime_error(std::string("gemm: ") + key + " is not a number");
  return x;
}
inline bool flag(napi_env env, napi_value desc, const char *key) {
  bool b = false;
  napi_get_value_bool(env, field(env, desc, key), &b);  // absent (undefined): false
  return b;
}
/** Byte offset of a pointer field into the heap; 0 when absent (the optional bias). */
inline uint64_t pointer(napi_env env, napi_value desc, const char *key) {
  napi_value v = field(env, desc, key);
  napi_valuetype type;
  napi_typeof(env, v, &type);
  if (type != napi_bigint) return 0;
  uint64_t offset = 0;
  bool lossless = false;
  napi_get_value_bigint_uint64(env, v, &offset, &lossless);
  return offset;
}

/** `count` elements of `bytesPer` bytes at `offset`, all inside the heap, or a throw naming `what`. */
inline uint8_t *span(uint8_t *heap, size_t heapBytes, uint64_t offset, uint64_t count, size_t bytesPer,
                     const char *what) {
  if (offset == 0 || offset + count * bytesPer > heapBytes)
    throw std::runtime_error(std::string("gemm: ") + what + " outside the heap");
  return heap + offset;
}

// runGemm(desc: GemmDesc, heap: ArrayBuffer): the fake device checked the descriptor's sizes first.
inline napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  try {
    void *heapData = nullptr;
    size_t heapBytes = 0;
    napi_get_arraybuffer_info(env, argv[1], &heapData, &heapBytes);
    uint8_t *heap = static_cast<uint8_t *>(heapData);
    const napi_value d = argv[0];
    const int m = static_cast<int>(number(env, d, "m")), n = static_cast<int>(number(env, d, "n"));
    const int k = static_cast<int>(number(env, d, "k")), batch = static_cast<int>(number(env, d, "batch"));
    const int lda = static_cast<int>(number(env, d, "lda")), ldb = static_cast<int>(number(env, d, "ldb"));
    const int ldc = static_cast<int>(number(env, d, "ldc"));
    const int64_t strideA = static_cast<int64_t>(number(env, d, "strideA"));
    const int64_t strideB = static_cast<int64_t>(number(env, d, "strideB"));
    const int64_t strideC = static_cast<int64_t>(number(env, d, "strideC"));
    const float alpha = static_cast<float>(number(env, d, "alpha")), beta = static_cast<float>(number(env, d, "beta"));
    const bool transA = flag(env, d, "transA"), transB = flag(env, d, "transB"), bf16 = flag(env, d, "bf16");
    napi_value activation = field(env, d, "activation");
    char act[8] = {0};
    size_t actLen = 0;
    napi_get_value_string_utf8(env, activation, act, sizeof act, &actLen);
    const bool relu = std::strcmp(act, "relu") == 0;
    if (m == 0 || n == 0 || batch == 0) return nullptr;
    auto extent = [&](int rows, int ld, int cols, int64_t stride) {
      return static_cast<uint64_t>((batch - 1) * stride + static_cast<int64_t>(rows - 1) * ld + cols);
    };
    float *c = reinterpret_cast<float *>(span(heap, heapBytes, pointer(env, d, "c"), extent(m, ldc, n, strideC), 4, "C"));
    std::vector<float> wideA, wideB;
    const float *a = nullptr, *b = nullptr;
    if (k > 0) {
      const uint64_t countA = extent(transA ? k : m, lda, transA ? m : k, strideA);
      const uint64_t countB = extent(transB ? n : k, ldb, transB ? k : n, strideB);
      const size_t bytesPer = bf16 ? 2 : 4;
      uint8_t *rawA = span(heap, heapBytes, pointer(env, d, "a"), countA, bytesPer, "A");
      uint8_t *rawB = span(heap, heapBytes, pointer(env, d, "b"), countB, bytesPer, "B");
      if (bf16) {
        auto widen = [](const uint8_t *raw, uint64_t count, std::vector<float> &out) {
          out.resize(count);
          for (uint64_t i = 0; i < count; i++) {
            uint16_t h;
            std::memcpy(&h, raw + 2 * i, 2);
            const uint32_t bits = static_cast<uint32_t>(h) << 16;
            std::memcpy(&out[i], &bits, 4);
          }
        };
        widen(rawA, countA, wideA);
        widen(rawB, countB, wideB);
        a = wideA.data();
        b = wideB.data();
      } else {
        a = reinterpret_cast<const float *>(rawA);
        b = reinterpret_cast<const float *>(rawB);
      }
    }
    const uint64_t biasAt = pointer(env, d, "bias");
    const float *bias = biasAt ? reinterpret_cast<const float *>(span(heap, heapBytes, biasAt, n, 4, "bias")) : nullptr;
    for (int p = 0; p < batch; p++) {
      float *cp = c + p * strideC;
      if (k > 0) {
        cblas_sgemm(kRowMajor, transA ? kTrans : kNoTrans, transB ? kTrans : kNoTrans, m, n, k, alpha, a + p * strideA,
                    lda, b + p * strideB, ldb, beta, cp, ldc);
      } else {
        for (int i = 0; i < m; i++)
          for (int j = 0; j < n; j++) cp[i * ldc + j] = beta == 0 ? 0 : beta * cp[i * ldc + j];
      }
      if (bias || relu) {
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            float v = cp[i * ldc + j] + (bias ? bias[j] : 0.0f);
            if (relu && v < 0) v = 0;
            cp[i * ldc + j] = v;
          }
        }
      }
    }
  } catch (const std::exception &e) {
    napi_throw_error(env, nullptr, e.what());
  }
  return nullptr;
}

}  // namespace ner_emu_gemm
