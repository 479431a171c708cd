// The persistent worker pool behind parallelFor (see parallel.h).
#include "parallel.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#define NER_PAUSE() _mm_pause()
#else
#define NER_PAUSE() std::this_thread::yield()
#endif

namespace ner {

namespace {

// How long an idle worker keeps polling for the next job before it sleeps (and the caller
// for the workers to finish). Kernels of one model step mostly follow each other within
// tens of microseconds, so a short spin catches them without taking a core from others.
constexpr auto kSpin = std::chrono::microseconds(50);

class Pool {
 public:
  explicit Pool(size_t workers) : size_(workers) {
    for (size_t w = 1; w <= workers; w++) std::thread([this, w] { loop(w); }).detach();
  }

  // Called with busy_ held by the caller.
  void run(size_t workers, size_t n, size_t chunk, ChunkFn fn, void *context) {
    fn_ = fn;
    context_ = context;
    n_ = n;
    chunk_ = chunk;
    workers_ = workers;
    // Every worker acknowledges every job, the ones without a chunk too: so none can still be
    // reading this job's fields when the next job overwrites them.
    pending_.store(size_, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    fn(context, 0, std::min(n, chunk));
    // Usually the workers finish with the caller; if one was descheduled (the machine's other
    // threads, V8's GC among them, share these cores), sleep instead of spinning on its core.
    auto until = std::chrono::steady_clock::now() + kSpin;
    while (pending_.load(std::memory_order_acquire) != 0) {
      if (std::chrono::steady_clock::now() > until) {
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
        break;
      }
      NER_PAUSE();
    }
  }

  size_t size() const { return size_; }
  std::mutex busy_;  // held by the one caller the pool serves

 private:
  void loop(size_t w) {
    uint64_t seen = 0;
    for (;;) {
      uint64_t now = generation_.load(std::memory_order_acquire);
      if (now == seen) {
        auto until = std::chrono::steady_clock::now() + kSpin;
        while ((now = generation_.load(std::memory_order_acquire)) == seen &&
               std::chrono::steady_clock::now() < until)
          NER_PAUSE();
        if (now == seen) {
          std::unique_lock<std::mutex> lock(mutex_);
          wake_.wait(lock, [&] { return (now = generation_.load(std::memory_order_acquire)) != seen; });
        }
      }
      seen = now;
      if (w < workers_) {
        size_t begin = w * chunk_;
        size_t end = std::min(n_, begin + chunk_);
        if (begin < end) fn_(context_, begin, end);
      }
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mutex_);  // the caller may be about to sleep on done_
        done_.notify_one();
      }
    }
  }

  const size_t size_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<size_t> pending_{0};
  // The job: written before generation_ is bumped (release), read after it is seen (acquire).
  ChunkFn fn_ = nullptr;
  void *context_ = nullptr;
  size_t n_ = 0, chunk_ = 0, workers_ = 0;
};

// Pools are never destroyed (their threads are detached and sleep when idle); a resize makes
// a new one and leaves the old one asleep, so setNumThreads should be rare.
std::atomic<Pool *> gPool{nullptr};
std::mutex gPoolCreate;
thread_local bool tInsideJob = false;

}  // namespace

bool runOnPool(size_t workers, size_t n, size_t chunk, ChunkFn fn, void *context) {
  if (tInsideJob) return false;
  Pool *pool = gPool.load(std::memory_order_acquire);
  if (!pool || pool->size() + 1 < workers) {
    std::lock_guard<std::mutex> lock(gPoolCreate);
    pool = gPool.load(std::memory_order_acquire);
    if (!pool || pool->size() + 1 < workers) {
      size_t size = static_cast<size_t>(numThreads()) - 1;
      if (size + 1 < workers) return false;
      pool = new Pool(size);
      gPool.store(pool, std::memory_order_release);
    }
  }
  std::unique_lock<std::mutex> busy(pool->busy_, std::try_to_lock);
  if (!busy) return false;
  tInsideJob = true;
  pool->run(workers, n, chunk, fn, context);
  tInsideJob = false;
  return true;
}

}  // namespace ner
