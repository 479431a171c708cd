// Uniform random numbers for dropout: Philox4x32-10 (Salmon et al., "Parallel random numbers:
// as easy as 1, 2, 3"), counter-based, so every element depends only on (seed, offset, i) and
// never on the launch geometry.
//
// Element i uses the counter block g = offset + floor(i / 4) (64-bit) as the counter
// {lo32(g), hi32(g), 0, 0} under the key {seedLo, seedHi}, and takes word i % 4 of the output:
// u = (word >> 8) * 2^-24 in [0, 1), y = low + (high - low) * u. The fake device follows this.
#include "ner_dims.cuh"

struct NerPhilox4 {
  unsigned x, y, z, w;
};

__device__ __forceinline__ NerPhilox4 nerPhilox4x32_10(NerPhilox4 c, unsigned k0, unsigned k1) {
  const unsigned m0 = 0xD2511F53u, m1 = 0xCD9E8D57u, w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;
#pragma unroll
  for (int round = 0; round < 10; round++) {
    const unsigned hi0 = __umulhi(m0, c.x), lo0 = m0 * c.x;
    const unsigned hi1 = __umulhi(m1, c.z), lo1 = m1 * c.z;
    c = NerPhilox4{hi1 ^ c.y ^ k0, lo1, hi0 ^ c.w ^ k1, lo0};
    k0 += w0;
    k1 += w1;
  }
  return c;
}

/** The four uniforms in [0, 1) of counter block `offset + g`: u = (word >> 8) * 2^-24 (see above). */
__device__ __forceinline__ void nerUniform4(long long g, unsigned offset, unsigned seedLo, unsigned seedHi,
                                            float u[4]) {
  const unsigned long long counter = (unsigned long long)offset + (unsigned long long)g;
  const NerPhilox4 r = nerPhilox4x32_10(NerPhilox4{(unsigned)counter, (unsigned)(counter >> 32), 0u, 0u},
                                        seedLo, seedHi);
  const unsigned words[4] = {r.x, r.y, r.z, r.w};
#pragma unroll
  for (int k = 0; k < 4; k++) u[k] = (float)(words[k] >> 8) * 5.9604644775390625e-8f;
}

extern "C" __global__ void ner_random_uniform_f32(float *y, int n, unsigned seedLo, unsigned seedHi,
                                                  unsigned offset, float low, float high) {
  // One thread per group of four outputs: a Philox call yields four words.
  const long long groups = ((long long)n + 3) / 4;
  NER_GRID_LOOP(g, groups) {
    float u[4];
    nerUniform4(g, offset, seedLo, seedHi, u);
#pragma unroll
    for (int k = 0; k < 4; k++) {
      const long long i = g * 4 + k;
      if (i < n) y[i] = low + (high - low) * u[k];
    }
  }
}

// NerDropout: u drawn exactly as ner_random_uniform_f32 draws it with low 0 and high 1 (same
// counter blocks and key, u = (word >> 8) * 2^-24), then y = x * (u >= rate ? scale : 0), one
// float32 product: the composite ops' greaterEqual, cast, mul(keep, scale) and mul(x, that), bit
// for bit. The host passes rate and scale = fround(1 / (1 - rate)) as floats. No mask is written:
// the gradient is this kernel again on dy with the same key, which draws the same u (counter-based
// Philox), so nothing of the forward is kept for the backward pass.
extern "C" __global__ void ner_dropout_f32(const float *x, float *y, int n, unsigned seedLo, unsigned seedHi,
                                           unsigned offset, float rate, float scale) {
  const long long groups = ((long long)n + 3) / 4;
  NER_GRID_LOOP(g, groups) {
    float u[4];
    nerUniform4(g, offset, seedLo, seedHi, u);
#pragma unroll
    for (int k = 0; k < 4; k++) {
      const long long i = g * 4 + k;
      if (i < n) y[i] = x[i] * (u[k] >= rate ? scale : 0.0f);
    }
  }
}
