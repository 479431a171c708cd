// A fork-join parallel-for over a persistent pool of worker threads. Kernels are called
// from the JS thread one at a time: each call splits its range into at most `numThreads`
// chunks, runs chunk 0 itself and hands the others to the pool's workers, which are already
// running (starting a std::thread per call cost ~20-50 us, more than a small kernel's work).
// Workers spin briefly after a job, then sleep on a condition variable. Threads are only
// used when the work is large enough (`grain`).
//
// The pool serves one caller at a time: a second JS thread (worker_threads) calling while it
// is busy, or a kernel body calling parallelFor again, runs its loop on its own thread.
#pragma once

#include <algorithm>
#include <cstddef>

namespace ner {

int numThreads();
void setNumThreads(int n);

// A chunk of work: runs fn(context, begin, end).
using ChunkFn = void (*)(void *context, size_t begin, size_t end);

// Runs chunks [w * chunk, min(n, (w + 1) * chunk)) for w in 0..workers-1 on the pool (chunk 0
// on the caller). Returns false, having run nothing, when the pool is busy or too small.
bool runOnPool(size_t workers, size_t n, size_t chunk, ChunkFn fn, void *context);

template <typename F>
void parallelFor(size_t n, size_t grain, F &&fn) {
  if (n == 0) return;
  size_t workers = static_cast<size_t>(numThreads());
  if (grain == 0) grain = 1;
  size_t byGrain = (n + grain - 1) / grain;
  if (byGrain < workers) workers = byGrain;
  if (workers > 1) {
    size_t chunk = (n + workers - 1) / workers;
    workers = (n + chunk - 1) / chunk;
    auto trampoline = [](void *context, size_t begin, size_t end) { (*static_cast<F *>(context))(begin, end); };
    if (runOnPool(workers, n, chunk, trampoline, static_cast<void *>(&fn))) return;
  }
  fn(static_cast<size_t>(0), n);
}

}  // namespace ner
