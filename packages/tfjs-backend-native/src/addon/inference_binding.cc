// N-API glue of the inference kernels (inference.h): like binding.cc, every array comes from JS
// (inputs read in place, outputs freshly allocated there) and nothing is kept after a call.
#include <node_api.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "inference.h"
#include "kernels.h"
#include "napi_args.h"

namespace {

using ner::Args;
using ner::guarded;

// The pair layout (vdpbf16ps) needs the instruction and k rows that pair up.
void checkPairs(const Args &call, int k) {
  if (!ner::cpuHasAvx512Bf16()) call.fail("the bf16 pair layout needs AVX512_BF16, which this CPU lacks");
  if (k % 2 != 0) call.fail("the bf16 pair layout needs an even k");
}

// linearAct(x, weight, packed | null, packedBf16 | null, bias | null, y, m, n, k, epilogue,
//           residual | null, gamma | null, beta | null, eps, bf16Pairs); epilogue 0: none, 1: erf
// GELU, 2: LayerNorm(y + residual); bf16Pairs: packedBf16 is in the pair layout (vdpbf16ps).
napi_value LinearAct(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args call(env, info, 15, "linearAct");
    const int m = call.positive(6), n = call.positive(7), k = call.positive(8);
    const size_t mk = static_cast<size_t>(m) * k, nk = static_cast<size_t>(n) * k, mn = static_cast<size_t>(m) * n;
    ner::LinearWeight w;
    const float *x = call.f32(0, mk);
    w.weight = call.f32(1, nk);
    const size_t packedSize = ner::packedPanelsSize(k, n);
    if (!call.isNull(2)) {
      if (!ner::panelGemmEnabled()) call.fail("a packed weight needs the panel kernel (AVX-512F, switched on)");
      w.packed = call.f32(2, packedSize);
    }
    if (!call.isNull(3)) {
      if (!ner::canPanelGemm()) call.fail("bf16 weights need AVX-512F");
      w.packedBf16 = call.u16(3, packedSize);
      w.bf16Pairs = call.boolean(14);
      if (w.bf16Pairs) checkPairs(call, k);
    }
    w.bias = call.f32OrNull(4, static_cast<size_t>(n));
    float *y = call.f32(5, mn);
    const int64_t epilogue = call.integer(9);
    if (epilogue < 0 || epilogue > 2) call.fail("unknown epilogue");
    const float *residual = nullptr, *gamma = nullptr, *beta = nullptr;
    if (epilogue == 2) {
      residual = call.f32(10, mn);
      gamma = call.f32(11, static_cast<size_t>(n));
      beta = call.f32(12, static_cast<size_t>(n));
    }
    const float eps = static_cast<float>(call.number(13));
    ner::linearForward(x, w, y, m, n, k, epilogue == 1);
    if (epilogue == 2) ner::residualLayerNormInPlace(y, residual, gamma, beta, static_cast<size_t>(m),
                                                     static_cast<size_t>(n), eps);
    return nullptr;
  });
}

// selfAttention(qkv, mask | null, out, batch, length, heads, headSize, scaleQueryFirst)
napi_value SelfAttention(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args call(env, info, 8, "selfAttention");
    const int batch = call.positive(3), length = call.positive(4), heads = call.positive(5), d = call.positive(6);
    const size_t rows = static_cast<size_t>(batch) * length, hidden = static_cast<size_t>(heads) * d;
    const float *qkv = call.f32(0, rows * 3 * hidden);
    const float *mask = call.f32OrNull(1, rows);
    float *out = call.f32(2, rows * hidden);
    ner::selfAttention(qkv, mask, out, batch, length, heads, d, call.boolean(7));
    return nullptr;
  });
}

// Arguments first..first+4 of encoderLayer: one Linear (weight [n, k], packed | null,
// packedBf16 | null, bias [n], bf16Pairs), checked as linearAct checks them.
ner::LinearWeight linearArgs(const Args &call, size_t first, int n, int k) {
  ner::LinearWeight w;
  w.weight = call.f32(first, static_cast<size_t>(n) * k);
  const size_t packedSize = ner::packedPanelsSize(k, n);
  if (!call.isNull(first + 1)) {
    if (!ner::panelGemmEnabled()) call.fail("a packed weight needs the panel kernel (AVX-512F, switched on)");
    w.packed = call.f32(first + 1, packedSize);
  }
  if (!call.isNull(first + 2)) {
    if (!ner::canPanelGemm()) call.fail("bf16 weights need AVX-512F");
    w.packedBf16 = call.u16(first + 2, packedSize);
    w.bf16Pairs = call.boolean(first + 4);
    if (w.bf16Pairs) checkPairs(call, k);
  }
  w.bias = call.f32(first + 3, static_cast<size_t>(n));
  return w;
}

// encoderLayer(x, mask | null, y, scratch, batch, length, hidden, intermediate, heads,
//              scaleQueryFirst, eps, <qkv: 5>, <attention output: 5>, <intermediate: 5>,
//              <output: 5>, attentionNormGamma, attentionNormBeta, outputNormGamma,
//              outputNormBeta): each Linear as (weight, packed | null, packedBf16 | null, bias,
// bf16Pairs); scratch of at least encoderLayerScratchSize floats. Every size is checked before
// anything is computed.
napi_value EncoderLayerCall(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args call(env, info, 35, "encoderLayer");
    const int batch = call.positive(4), length = call.positive(5), hidden = call.positive(6);
    const int intermediate = call.positive(7), heads = call.positive(8);
    if (hidden % heads != 0) call.fail("heads must divide the hidden size");
    const size_t rows = static_cast<size_t>(batch) * length, h = static_cast<size_t>(hidden);
    if (rows > (size_t{1} << 30)) call.fail("too many rows");
    const float *x = call.f32(0, rows * h);
    const float *mask = call.f32OrNull(1, rows);
    float *y = call.f32(2, rows * h);
    const ner::ArrayArg<float> scratch = call.f32(3);
    if (scratch.size < ner::encoderLayerScratchSize(rows, h, static_cast<size_t>(intermediate)))
      call.fail("scratch is smaller than encoderLayerScratchSize");
    if (x == y) call.fail("y must not be x");
    ner::EncoderLayer layer;
    layer.qkv = linearArgs(call, 11, 3 * hidden, hidden);
    layer.attentionOutput = linearArgs(call, 16, hidden, hidden);
    layer.intermediate = linearArgs(call, 21, intermediate, hidden);
    layer.output = linearArgs(call, 26, hidden, intermediate);
    layer.attentionNormGamma = call.f32(31, h);
    layer.attentionNormBeta = call.f32(32, h);
    layer.outputNormGamma = call.f32(33, h);
    layer.outputNormBeta = call.f32(34, h);
    ner::encoderLayerForward(x, mask, y, scratch.data, layer, batch, length, hidden, intermediate, heads,
                             call.boolean(9), static_cast<float>(call.number(10)));
    return nullptr;
  });
}

// encoderLayerScratchSize(rows, hidden, intermediate)
napi_value EncoderLayerScratchSize(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args call(env, info, 3, "encoderLayerScratchSize");
    const size_t size = ner::encoderLayerScratchSize(static_cast<size_t>(call.positive(0)),
                                                     static_cast<size_t>(call.positive(1)),
                                                     static_cast<size_t>(call.positive(2)));
    return ner::jsInt(env, static_cast<int64_t>(size));
  });
}

// packPanelsBf16(b, transB, k, n, packed: Uint16Array of packedPanelsSize(k, n), pairs)
napi_value PackPanelsBf16(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    Args call(env, info, 6, "packPanelsBf16");
    const int k = call.positive(2), n = call.positive(3);
    const float *b = call.f32(0, static_cast<size_t>(k) * n);
    uint16_t *packed = call.u16(4, ner::packedPanelsSize(k, n));
    const bool pairs = call.boolean(5);
    if (pairs) checkPairs(call, k);
    ner::packPanelsBf16(b, call.boolean(1), k, n, packed, pairs);
    return nullptr;
  });
}

napi_value CpuHasAvx512Bf16(napi_env env, napi_callback_info) { return ner::jsBool(env, ner::cpuHasAvx512Bf16()); }

}  // namespace

namespace ner {

// Adds the inference functions to the addon's exports (called from binding.cc's Init).
void registerInferenceFunctions(napi_env env, napi_value exports) {
  const Export functions[] = {
      {"linearAct", LinearAct},
      {"selfAttention", SelfAttention},
      {"encoderLayer", EncoderLayerCall},
      {"encoderLayerScratchSize", EncoderLayerScratchSize},
      {"packPanelsBf16", PackPanelsBf16},
      {"cpuHasAvx512Bf16", CpuHasAvx512Bf16},
  };
  exportFunctions(env, exports, functions);
}

}  // namespace ner
