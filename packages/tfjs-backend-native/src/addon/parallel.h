// A fork-join parallel-for over a persistent pool of worker threads. Each call splits its
// range into at most `numThreads` chunks, runs chunk 0 itself and hands the others to the
// pool's workers, which are already running (starting a std::thread per call cost ~20-50 us,
// more than a small kernel's work). Workers spin briefly after a job, then sleep on a
// condition variable. Threads are only used when the work is large enough (`grain`).
//
// One pool per process, serving one job at a time (its `busy_` mutex, taken with try_lock).
// Every worker_threads worker loads this addon into the same process, so several JS threads
// can call at once: the one that gets the pool splits its work, the others (and a kernel body
// calling parallelFor again) run their whole loop on their own thread, which is itself a core
// doing work. Why not wait for the pool: with the pool as wide as the machine, a waiting
// caller only idles its core. Why not a pool per calling thread: W callers would start W x
// numThreads threads on numThreads cores. A single JS thread sees no difference.
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
