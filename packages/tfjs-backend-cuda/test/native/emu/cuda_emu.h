// Just enough of CUDA to compile src/cu/*.cu as host C++ and run each kernel with one block of
// one thread: grid-stride loops then visit every element in order, block reductions take their
// fewer-than-32-threads path, atomics are plain adds. This runs the kernels' arithmetic and
// indexing on a machine without a GPU (not their parallel behaviour: warp shuffles and races
// need a GPU). Used by the emulator test only.
#pragma once

#include <math.h>  // the C float functions (expf, erff, ...) at global scope, as in device code
#include <cstdint>
#include <cstring>

struct NerEmuDim3 {
  unsigned x = 0, y = 0, z = 0;
};
inline NerEmuDim3 blockIdx{0, 0, 0}, threadIdx{0, 0, 0}, blockDim{1, 1, 1}, gridDim{1, 1, 1};

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static

inline void __syncthreads() {}
template <typename T>
inline T __shfl_xor_sync(unsigned, T v, int) {
  return v;  // never reached with one thread per block
}
inline float __int_as_float(int i) {
  float f;
  std::memcpy(&f, &i, sizeof f);
  return f;
}
inline unsigned __umulhi(unsigned a, unsigned b) {
  return static_cast<unsigned>((static_cast<uint64_t>(a) * b) >> 32);
}
inline float atomicAdd(float *p, float v) {
  const float old = *p;
  *p = old + v;
  return old;
}
