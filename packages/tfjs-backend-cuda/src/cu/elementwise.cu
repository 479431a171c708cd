// Elementwise kernels: unary, broadcasting binary and compare ops, select, cast (and float32 to
// bf16 for autocast), the erf GELU, bias add, one-hot and range. Math follows tfjs-backend-cpu
// (see kernel-abi.ts for each op).
#include "ner_dims.cuh"

#define NER_NAN __int_as_float(0x7fc00000)
#define NER_INF __int_as_float(0x7f800000)

__device__ __forceinline__ float nerUnary(float x, int op, float alpha) {
  switch (op) {
    case 0: return -x;
    case 1: return expf(x);
    case 2: return logf(x);
    case 3: return sqrtf(x);
    case 4: return 1.0f / sqrtf(x);
    case 5: return x * x;
    case 6: return fabsf(x);
    case 7: return tanhf(x);
    case 8: return 1.0f / (1.0f + expf(-x));
    case 9: return x < 0.0f ? 0.0f : x;
    case 10: return erff(x);
    case 11: return 1.0f / x;
    case 12: return x != x ? x : (x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f));
    case 13: return log1pf(x);
    case 14: return expm1f(x);
    case 15: return floorf(x);
    case 16: return ceilf(x);
    case 17: return rintf(x);  // half to even, as tfjs round
    case 18: return sinf(x);
    case 19: return cosf(x);
    case 20: {
      // tfjs-cpu softplus: thresholds at log(float epsilon) + 2 keep exp from overflowing.
      const float threshold = -13.942385152878742f;
      if (x > -threshold) return x;
      if (x < threshold) return expf(x);
      return logf(1.0f + expf(x));
    }
    case 21: return x >= 0.0f ? x : alpha * expm1f(x);  // expm1: exact near 0, as tfjs' double exp(x) - 1
    case 22: return x != x ? x : (x > 0.0f ? 1.0f : alpha);
    // Comparisons rather than isfinite/isinf, which need headers NVRTC may not provide.
    case 23: return x != x ? 1.0f : 0.0f;
    case 24: return fabsf(x) < NER_INF ? 1.0f : 0.0f;
    case 25: return fabsf(x) == NER_INF ? 1.0f : 0.0f;
    default: return NER_NAN;
  }
}

extern "C" __global__ void ner_unary_f32(const float *x, float *y, int n, int op, float alpha) {
  NER_GRID_LOOP(i, n) y[i] = nerUnary(x[i], op, alpha);
}

__device__ __forceinline__ float nerPyMod(float a, float b) {
  // tfjs-cpu mod: the remainder takes the sign of the divisor (Python's %).
  const float rem = fmodf(a, b);
  if ((a < 0.0f && b < 0.0f) || (a >= 0.0f && b >= 0.0f)) return rem;
  return fmodf(rem + b, b);
}

__device__ __forceinline__ float nerBinaryF(float a, float b, int op) {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return (a != a || b != b) ? NER_NAN : fmaxf(a, b);
    case 5: return (a != a || b != b) ? NER_NAN : fminf(a, b);
    case 6: return powf(a, b);
    case 7: return (a - b) * (a - b);
    case 8: return floorf(a / b);
    case 9: return nerPyMod(a, b);
    case 10: return a / b;
    case 11: return (a != 0.0f && b != 0.0f) ? 1.0f : 0.0f;
    case 12: return (a != 0.0f || b != 0.0f) ? 1.0f : 0.0f;
    case 13: return atan2f(a, b);
    default: return NER_NAN;
  }
}

extern "C" __global__ void ner_binary_f32(const float *a, const float *b, float *y, int n, int op, NerDims d) {
  NER_GRID_LOOP(i, n) {
    long long oa, ob;
    nerOffsets2(i, d, oa, ob);
    y[i] = nerBinaryF(a[oa], b[ob], op);
  }
}

// JS numbers stored into an Int32Array wrap modulo 2^32 and NaN/Infinity become 0: the
// integer ops compute in unsigned (defined wrap-around) and map division by zero to 0.
__device__ __forceinline__ int nerFloorDivI(int a, int b) {
  if (b == 0) return 0;
  if (a == (-2147483647 - 1) && b == -1) return a;  // 2^31 wraps to -2^31
  int q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q -= 1;
  return q;
}

__device__ __forceinline__ int nerModI(int a, int b) {
  if (b == 0) return 0;
  if (b == -1) return 0;
  const int rem = a % b;
  return (rem != 0 && ((rem < 0) != (b < 0))) ? rem + b : rem;
}

__device__ __forceinline__ int nerPowI(int a, int b) {
  if (b < 0) return a == 1 ? 1 : (a == -1 ? ((b & 1) ? -1 : 1) : 0);  // 1/a^|b| truncated
  unsigned result = 1u, base = (unsigned)a;
  while (b > 0) {
    if (b & 1) result *= base;
    base *= base;
    b >>= 1;
  }
  return (int)result;
}

__device__ __forceinline__ int nerBinaryI(int a, int b, int op) {
  switch (op) {
    case 0: return (int)((unsigned)a + (unsigned)b);
    case 1: return (int)((unsigned)a - (unsigned)b);
    case 2: return (int)((unsigned)a * (unsigned)b);
    case 3: return nerFloorDivI(a, b);
    case 4: return a > b ? a : b;
    case 5: return a < b ? a : b;
    case 6: return nerPowI(a, b);
    case 7: {
      const unsigned diff = (unsigned)a - (unsigned)b;
      return (int)(diff * diff);
    }
    case 8: return nerFloorDivI(a, b);
    case 9: return nerModI(a, b);
    case 11: return (a != 0 && b != 0) ? 1 : 0;
    case 12: return (a != 0 || b != 0) ? 1 : 0;
    default: return 0;
  }
}

extern "C" __global__ void ner_binary_i32(const int *a, const int *b, int *y, int n, int op, NerDims d) {
  NER_GRID_LOOP(i, n) {
    long long oa, ob;
    nerOffsets2(i, d, oa, ob);
    y[i] = nerBinaryI(a[oa], b[ob], op);
  }
}

template <typename T>
__device__ __forceinline__ int nerCompare(T a, T b, int op) {
  switch (op) {
    case 0: return a == b;
    case 1: return a != b;
    case 2: return a < b;
    case 3: return a <= b;
    case 4: return a > b;
    case 5: return a >= b;
    default: return 0;
  }
}

extern "C" __global__ void ner_compare_f32(const float *a, const float *b, int *y, int n, int op, NerDims d) {
  NER_GRID_LOOP(i, n) {
    long long oa, ob;
    nerOffsets2(i, d, oa, ob);
    y[i] = nerCompare<float>(a[oa], b[ob], op);
  }
}

extern "C" __global__ void ner_compare_i32(const int *a, const int *b, int *y, int n, int op, NerDims d) {
  NER_GRID_LOOP(i, n) {
    long long oa, ob;
    nerOffsets2(i, d, oa, ob);
    y[i] = nerCompare<int>(a[oa], b[ob], op);
  }
}

extern "C" __global__ void ner_select_f32(const int *cond, const float *a, const float *b, float *y, int n,
                                          NerDims d) {
  // Bits are copied as unsigned so int32 payloads (and NaN payloads) pass unchanged.
  const unsigned *ua = reinterpret_cast<const unsigned *>(a);
  const unsigned *ub = reinterpret_cast<const unsigned *>(b);
  unsigned *uy = reinterpret_cast<unsigned *>(y);
  NER_GRID_LOOP(i, n) {
    // d.a is the output shape; d.b, d.c and d.d the strides of cond, a and b.
    const int *const strides[3] = {d.b, d.c, d.d};
    long long offsets[3];
    nerOffsetsN<3>(i, d.a, strides, d.rank, offsets);
    const long long oc = offsets[0], oa = offsets[1], ob = offsets[2];
    uy[i] = cond[oc] ? ua[oa] : ub[ob];
  }
}

/** float -> int32 as a JS number stored into an Int32Array: truncate, wrap modulo 2^32, NaN/Inf -> 0. */
__device__ __forceinline__ int nerFloatToInt(float x) {
  if (!(fabsf(x) < NER_INF)) return 0;  // NaN and +-Infinity
  const float t = truncf(x);
  if (t >= -2147483648.0f && t < 2147483648.0f) return (int)t;
  const double wrapped = fmod((double)t, 4294967296.0);
  return (int)(unsigned)(long long)(wrapped < 0 ? wrapped + 4294967296.0 : wrapped);
}

extern "C" __global__ void ner_cast(const void *x, void *y, int n, int from, int to) {
  const float *xf = static_cast<const float *>(x);
  const int *xi = static_cast<const int *>(x);
  float *yf = static_cast<float *>(y);
  int *yi = static_cast<int *>(y);
  NER_GRID_LOOP(i, n) {
    if (from == 0) {
      const float v = xf[i];
      if (to == 0) yf[i] = v;
      else if (to == 1) yi[i] = nerFloatToInt(v);
      else yi[i] = v != 0.0f ? 1 : 0;
    } else {
      const int v = xi[i];
      if (to == 0) yf[i] = (float)v;
      else if (to == 1) yi[i] = v;
      else yi[i] = v != 0 ? 1 : 0;
    }
  }
}

/**
 * float32 -> bfloat16 bits, round to nearest even (bf16 autocast's operands, see matmul.ts): the
 * same bit arithmetic as tools/kernel-contract's roundToBf16, so the cpu reference, the fake
 * device and this kernel round alike. NaN keeps its sign and becomes a quiet NaN (the quiet bit
 * set before truncation, so a NaN whose payload sits in the low half cannot become an infinity);
 * overflow past the largest bf16 rounds to infinity as RNE does.
 */
extern "C" __global__ void ner_cast_f32_bf16(const float *x, unsigned short *y, int n) {
  NER_GRID_LOOP(i, n) {
    const unsigned bits = __float_as_uint(x[i]);
    const unsigned rounded = (bits & 0x7fffffffu) > 0x7f800000u ? (bits | 0x400000u)
                                                                 : bits + 0x7fffu + ((bits >> 16) & 1u);
    y[i] = (unsigned short)(rounded >> 16);
  }
}

extern "C" __global__ void ner_gelu_erf_f32(const float *x, float *y, int n) {
  NER_GRID_LOOP(i, n) {
    const float v = x[i];
    y[i] = 0.5f * v * (1.0f + erff(v * 0.70710678118654752f));
  }
}

extern "C" __global__ void ner_gelu_erf_grad_f32(const float *dy, const float *x, float *dx, int n) {
  NER_GRID_LOOP(i, n) {
    const float v = x[i];
    const float cdf = 0.5f * (1.0f + erff(v * 0.70710678118654752f));
    const float pdf = 0.39894228040143268f * expf(-0.5f * v * v);
    dx[i] = dy[i] * (cdf + v * pdf);
  }
}

extern "C" __global__ void ner_bias_add_f32(const float *x, const float *bias, float *y, int rows, int cols) {
  const long long n = (long long)rows * cols;
  // 32-bit index math (fewer than 2^31 elements): a 64-bit remainder is emulated, many instructions.
  NER_GRID_LOOP(i, n) y[i] = x[i] + bias[(unsigned)i % (unsigned)cols];
}

extern "C" __global__ void ner_one_hot_f32(const int *idx, float *y, int n, int depth, float on, float off) {
  const long long total = (long long)n * depth;
  NER_GRID_LOOP(i, total) {
    const unsigned row = (unsigned)i / (unsigned)depth;
    const int j = (int)((unsigned)i - row * (unsigned)depth);
    y[i] = idx[row] == j ? on : off;
  }
}

extern "C" __global__ void ner_range_f32(float *y, int n, float start, float delta) {
  NER_GRID_LOOP(i, n) y[i] = start + (float)i * delta;
}
