// Shared by the elementwise kernels: the multi-versioning attribute and branch-free float32
// math that GCC vectorises (a call to std::erf / std::exp per element does not vectorise).
#pragma once

#include <cstdint>
#include <cstring>

// Leaf loops are compiled twice, for x86-64-v3 (AVX2 + FMA) and the baseline,
// and the loader picks one at run time (GCC function multi-versioning). So the
// addon is portable to any x86-64 and still vectorised on this project's CPUs.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NER_SIMD __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define NER_SIMD
#endif

namespace ner {

// erf as a rational function on [-4, 4] (the float32 approximation of Eigen / XLA, a few
// ulp): branch-free, so the loop vectorises, unlike a call to std::erf per element.
inline float erfRational(float x) {
  const float c = x < -4.0f ? -4.0f : (x > 4.0f ? 4.0f : x);
  const float x2 = c * c;
  float p = -2.72614225801306e-10f;
  p = p * x2 + 2.77068142495902e-08f;
  p = p * x2 + -2.10102402082508e-06f;
  p = p * x2 + -5.69250639462346e-05f;
  p = p * x2 + -7.34990630326855e-04f;
  p = p * x2 + -2.95459980854025e-03f;
  p = p * x2 + -1.60960333262415e-02f;
  p = p * c;
  float q = -1.45660718464996e-05f;
  q = q * x2 + -2.13374055278905e-04f;
  q = q * x2 + -1.68282697438203e-03f;
  q = q * x2 + -7.37332916720468e-03f;
  q = q * x2 + -1.42647390514189e-02f;
  return p / q;
}

// exp(x) for float32 to ~2 ulp, branch-free: x = n ln2 + r (Cody-Waite split of ln2), a degree-6
// polynomial for e^r on |r| <= ln2 / 2, then 2^n put into the exponent bits. Inputs below
// -87.3 give 2^-126 (no denormals), above 88.3 give e^88.3 (clamped).
inline float expPoly(float x) {
  const float c = x < -87.3f ? -87.3f : (x > 88.3f ? 88.3f : x);
  const float n = __builtin_rintf(c * 1.44269504088896341f);
  float r = c - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace ner
