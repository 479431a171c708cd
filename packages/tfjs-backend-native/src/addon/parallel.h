// A minimal fork-join parallel-for over std::thread. Kernels are called from
// the JS thread one at a time, so there is no pool to share: each call splits
// its range into at most `numThreads` chunks, runs chunk 0 itself and joins the
// rest. Threads are only started when the work is large enough (`grain`), so
// small tensors stay on the calling thread and never pay the ~20 us start-up.
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace ner {

int numThreads();
void setNumThreads(int n);

template <typename F>
void parallelFor(size_t n, size_t grain, F &&fn) {
  if (n == 0) return;
  size_t workers = static_cast<size_t>(numThreads());
  if (grain == 0) grain = 1;
  size_t byGrain = (n + grain - 1) / grain;
  if (byGrain < workers) workers = byGrain;
  if (workers <= 1) {
    fn(static_cast<size_t>(0), n);
    return;
  }
  size_t chunk = (n + workers - 1) / workers;
  std::vector<std::thread> threads;
  threads.reserve(workers - 1);
  for (size_t w = 1; w < workers; w++) {
    size_t begin = w * chunk;
    size_t end = std::min(n, begin + chunk);
    if (begin >= end) break;
    threads.emplace_back([&fn, begin, end]() { fn(begin, end); });
  }
  fn(static_cast<size_t>(0), std::min(n, chunk));
  for (auto &t : threads) t.join();
}

}  // namespace ner
