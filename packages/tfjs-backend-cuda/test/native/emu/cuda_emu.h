// Just enough of CUDA to compile src/cu/*.cu as host C++ and run the kernels on the CPU, used by
// the emulator test only. A launch runs its blocks one after another on blockDim.x host threads:
// __syncthreads is a barrier, __shfl_xor_sync exchanges through a table between two barriers,
// __shared__ variables are statics (one block at a time uses them), atomicAdd takes a lock.
// With one thread per block (the sequential mode) grid-stride loops visit every element in
// order and block reductions take their small-block path. This checks arithmetic, indexing and
// the reductions' structure, not timing, memory ordering or real warp behaviour.
#pragma once

#include <math.h>  // the C float functions (expf, erff, ...) at global scope, as in device code

#include <barrier>
#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

struct NerEmuDim3 {
  unsigned x = 0, y = 0, z = 0;
};
inline thread_local NerEmuDim3 blockIdx{0, 0, 0}, threadIdx{0, 0, 0};
inline NerEmuDim3 blockDim{1, 1, 1}, gridDim{1, 1, 1};

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static

// Device addresses a kernel reads from a table in device memory (NER_TABLE_PTR, see optim.cu)
// are byte offsets into the heap of the launch under way, as pointer arguments are.
inline uint8_t *nerEmuHeapBase = nullptr;
inline size_t nerEmuHeapBytes = 0;
inline uint8_t *nerEmuTableAddress(unsigned long long address) {
  if (address == 0 || address >= nerEmuHeapBytes) throw std::runtime_error("table address outside the heap");
  return nerEmuHeapBase + address;
}
#define NER_TABLE_PTR(T, address) reinterpret_cast<T *>(nerEmuTableAddress(address))

inline std::barrier<> *nerEmuBarrier = nullptr;
inline std::mutex nerEmuAtomicLock;
inline uint64_t nerEmuShuffle[1024];

inline void __syncthreads() {
  if (nerEmuBarrier) nerEmuBarrier->arrive_and_wait();
}

template <typename T>
inline T __shfl_xor_sync(unsigned, T v, int laneMask) {
  static_assert(sizeof(T) <= sizeof(uint64_t), "shuffle of a value wider than 8 bytes");
  std::memcpy(&nerEmuShuffle[threadIdx.x], &v, sizeof v);
  __syncthreads();
  T other;
  std::memcpy(&other, &nerEmuShuffle[threadIdx.x ^ static_cast<unsigned>(laneMask)], sizeof other);
  __syncthreads();
  return other;
}

inline float __int_as_float(int i) {
  float f;
  std::memcpy(&f, &i, sizeof f);
  return f;
}

// A float product rounded to float (never contracted into a fused multiply-add).
inline float __fmul_rn(float a, float b) {
  volatile float product = a * b;
  return product;
}

inline unsigned __float_as_uint(float f) {
  unsigned u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

inline unsigned __umulhi(unsigned a, unsigned b) {
  return static_cast<unsigned>((static_cast<uint64_t>(a) * b) >> 32);
}

inline float atomicAdd(float *p, float v) {
  std::lock_guard<std::mutex> hold(nerEmuAtomicLock);
  const float old = *p;
  *p = old + v;
  return old;
}

/** Runs `kernel` over `grid` blocks of `block` threads (1-D). */
inline void nerEmuLaunch(unsigned grid, unsigned block, const std::function<void()> &kernel) {
  gridDim = {grid, 1, 1};
  blockDim = {block, 1, 1};
  if (block == 1) {
    for (unsigned b = 0; b < grid; b++) {
      blockIdx = {b, 0, 0};
      threadIdx = {0, 0, 0};
      kernel();
    }
    return;
  }
  std::barrier<> barrier(static_cast<std::ptrdiff_t>(block));
  nerEmuBarrier = &barrier;
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < block; t++) {
    threads.emplace_back([&, t] {
      threadIdx = {t, 0, 0};
      for (unsigned b = 0; b < grid; b++) {
        blockIdx = {b, 0, 0};
        kernel();
        barrier.arrive_and_wait();  // the block is done before the next one reuses __shared__
      }
    });
  }
  for (auto &thread : threads) thread.join();
  nerEmuBarrier = nullptr;
}
