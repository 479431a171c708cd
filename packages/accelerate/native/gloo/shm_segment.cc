// Setting up the shared-memory group (host check, segment creation, mapping, unlinking) and the
// barrier its collectives synchronize with. The collectives themselves are in shm_collectives.cc.
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "shm_group.h"
#include "shm_host.h"

namespace ner_gloo {

// Lives at the start of the segment; the ranks' states follow it, then the chunk buffers. A
// fresh segment is zero-filled, which is every atomic's initial state.
struct ShmHeader {
  uint32_t magic;
  uint32_t size;
  uint64_t slotBytes;
  uint64_t dataOffset;
  // Bumped by every arrival; the futex sleepers wait on it.
  alignas(64) std::atomic<uint32_t> bell;
  std::atomic<uint32_t> sleepers;
  // rank + 1 of a rank that gave up on a collective (then every other waiter gives up too).
  std::atomic<int32_t> abortedBy;
};

namespace {

// Tells the core this is a spin-wait (frees the pipeline for the sibling hyperthread).
inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

// One cache line per rank, so arrivals do not contend for a line.
struct alignas(64) ShmRankState {
  std::atomic<uint64_t> epoch;  // barriers this rank has arrived at
  int32_t pid;
  std::atomic<uint32_t> closed;  // 1 once the rank closed the group: it will never arrive again
};

static_assert(std::atomic<uint64_t>::is_always_lock_free && std::atomic<uint32_t>::is_always_lock_free,
              "the barrier needs address-free atomics to work across processes");

constexpr uint32_t kMagic = 0x4e455253;  // "SREN"
constexpr int kMaxRanks = 4096;
// Each rank's slot holds one chunk per buffer set: 2 x ranks x 4 MiB of shared memory. Every
// chunk costs two barriers, and with more ranks than cores (or a loaded machine) a barrier waits
// for the scheduler, so fewer, larger chunks win there; on an idle machine 1-4 MiB measured alike.
// NER_ACCELERATE_SHM_SLOT_KIB overrides it (rank 0's value counts); a small /dev/shm shrinks it.
constexpr size_t kDefaultSlotBytes = 4u << 20;
constexpr size_t kMinSlotBytes = 4096;
constexpr size_t kMaxSlotBytes = 64u << 20;
constexpr size_t kMaxSegmentBytes = size_t{4} << 30;
// Spinning is the fast path when every rank has a core; past this, waiters yield, then sleep.
// With more ranks than cores a spinning rank takes the core the late one needs: sleep at once
// (measured with 4 ranks on 2 cores: straight to the futex was the fastest).
constexpr int kSpinRounds = 2000;
constexpr int kYieldRounds = 50;
constexpr auto kLivenessEvery = std::chrono::milliseconds(100);

std::vector<char> bytesOf(const std::string& text) { return std::vector<char>(text.begin(), text.end()); }
std::string textOf(const std::vector<char>& bytes) { return std::string(bytes.begin(), bytes.end()); }
std::string key(const std::string& what, int rank) { return "shm/" + what + "/" + std::to_string(rank); }

size_t segmentBytes(int size, size_t slotBytes, size_t* dataOffset) {
  size_t control = sizeof(ShmHeader) + sizeof(ShmRankState) * static_cast<size_t>(size);
  *dataOffset = (control + 4095) / 4096 * 4096;
  return *dataOffset + 2 * static_cast<size_t>(size) * slotBytes;
}

ShmRankState* rankStates(ShmHeader* header) {
  return reinterpret_cast<ShmRankState*>(reinterpret_cast<char*>(header) + sizeof(ShmHeader));
}

void* mapSegment(int fd, size_t bytes) {
  void* base = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  return base == MAP_FAILED ? nullptr : base;
}

// Creates, sizes and maps the segment; returns its base (null on failure, nothing left behind).
void* createSegment(const std::string& name, int size, size_t slotBytes, size_t* mapped) {
  size_t dataOffset = 0;
  size_t bytes = segmentBytes(size, slotBytes, &dataOffset);
  if (bytes > kMaxSegmentBytes) return nullptr;
  int fd = shm_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
  if (fd < 0) return nullptr;
  // posix_fallocate, not only ftruncate: tmpfs hands out pages on first touch, and a /dev/shm
  // too small for the segment (64 MiB in a default Docker container) would then kill the ranks
  // with SIGBUS mid-collective. Reserved up front, a short /dev/shm means gloo's TCP instead.
  void* base = ftruncate(fd, static_cast<off_t>(bytes)) == 0 &&
                       posix_fallocate(fd, 0, static_cast<off_t>(bytes)) == 0
                   ? mapSegment(fd, bytes)
                   : nullptr;
  close(fd);
  if (base == nullptr) {
    shm_unlink(name.c_str());
    return nullptr;
  }
  auto* header = static_cast<ShmHeader*>(base);
  header->magic = kMagic;
  header->size = static_cast<uint32_t>(size);
  header->slotBytes = slotBytes;
  header->dataOffset = dataOffset;
  *mapped = bytes;
  return base;
}

// Opens and maps a segment rank 0 made, after checking it has the layout this group expects.
void* openSegment(const std::string& name, int size, size_t* mapped) {
  int fd = shm_open(name.c_str(), O_RDWR, 0);
  if (fd < 0) return nullptr;
  struct stat info;
  void* base = nullptr;
  if (fstat(fd, &info) == 0 && static_cast<size_t>(info.st_size) >= sizeof(ShmHeader) &&
      static_cast<size_t>(info.st_size) <= kMaxSegmentBytes) {
    base = mapSegment(fd, static_cast<size_t>(info.st_size));
  }
  close(fd);
  if (base == nullptr) return nullptr;
  auto* header = static_cast<ShmHeader*>(base);
  size_t dataOffset = 0;
  if (header->magic != kMagic || header->size != static_cast<uint32_t>(size) ||
      header->slotBytes < kMinSlotBytes || header->slotBytes > kMaxSlotBytes ||
      segmentBytes(size, header->slotBytes, &dataOffset) != static_cast<size_t>(info.st_size) ||
      header->dataOffset != dataOffset) {
    munmap(base, static_cast<size_t>(info.st_size));
    return nullptr;
  }
  *mapped = static_cast<size_t>(info.st_size);
  return base;
}

std::string waitAndGet(gloo::rendezvous::Store& store, const std::string& name,
                       std::chrono::milliseconds timeout) {
  store.wait({name}, timeout);
  return textOf(store.get(name));
}

void futexWait(std::atomic<uint32_t>* word, uint32_t expected, std::chrono::milliseconds timeout) {
  struct timespec ts;
  ts.tv_sec = timeout.count() / 1000;
  ts.tv_nsec = (timeout.count() % 1000) * 1000000;
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAIT, expected, &ts, nullptr, 0);
}

void futexWakeAll(std::atomic<uint32_t>* word) {
  syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), FUTEX_WAKE, INT32_MAX, nullptr, nullptr, 0);
}

}  // namespace

std::shared_ptr<ShmGroup> ShmGroup::establish(gloo::rendezvous::Store& store, int rank, int size,
                                              std::chrono::milliseconds timeout) {
  if (size < 2 || size > kMaxRanks) return nullptr;
  const std::string mine = shm_host::enabled() ? shm_host::hostIdentity() : "disabled";
  store.set(key("host", rank), bytesOf(mine));
  bool local = mine != "disabled";
  for (int r = 0; r < size; r++) local = local && waitAndGet(store, key("host", r), timeout) == mine;
  if (!local) return nullptr;

  size_t mapped = 0;
  void* base = nullptr;
  if (rank == 0) {
    const std::string name = shm_host::randomSegmentName();
    base = createSegment(name, size, shm_host::slotBytes(size, kDefaultSlotBytes, kMinSlotBytes, kMaxSlotBytes), &mapped);
    if (base != nullptr) rankStates(static_cast<ShmHeader*>(base))[0].pid = getpid();
    store.set("shm/name", bytesOf(base != nullptr ? name : ""));
    bool everyone = base != nullptr;
    try {
      for (int r = 1; r < size && base != nullptr; r++) {
        everyone = waitAndGet(store, key("mapped", r), timeout) == "1" && everyone;
      }
    } catch (...) {
      shm_unlink(name.c_str());
      if (base != nullptr) munmap(base, mapped);
      throw;
    }
    // Every rank has it mapped (or gave up): the name is no longer needed.
    if (base != nullptr) shm_unlink(name.c_str());
    store.set("shm/ready", bytesOf(everyone ? "1" : "0"));
    if (!everyone && base != nullptr) munmap(base, mapped);
    if (!everyone) return nullptr;
  } else {
    const std::string name = waitAndGet(store, "shm/name", timeout);
    if (name.empty()) return nullptr;
    base = openSegment(name, size, &mapped);
    if (base != nullptr) rankStates(static_cast<ShmHeader*>(base))[rank].pid = getpid();
    store.set(key("mapped", rank), bytesOf(base != nullptr ? "1" : "0"));
    std::string ready;
    try {
      ready = waitAndGet(store, "shm/ready", timeout);
    } catch (...) {
      shm_unlink(name.c_str());  // rank 0 is gone: do its cleanup
      if (base != nullptr) munmap(base, mapped);
      throw;
    }
    if (ready != "1" || base == nullptr) {
      // (A rank that could not map never reads "1" from a fresh store; the check keeps a reused
      // key prefix from ever giving a group without memory.)
      if (base != nullptr) munmap(base, mapped);
      return nullptr;
    }
  }
  return std::shared_ptr<ShmGroup>(new ShmGroup(rank, size, timeout, base, mapped));
}

ShmGroup::ShmGroup(int rank, int size, std::chrono::milliseconds timeout, void* base, size_t mappedBytes)
    : rank_(rank),
      size_(size),
      timeout_(timeout),
      base_(base),
      mappedBytes_(mappedBytes),
      header_(static_cast<ShmHeader*>(base)),
      slotBytes_(static_cast<ShmHeader*>(base)->slotBytes),
      data_(static_cast<char*>(base) + static_cast<ShmHeader*>(base)->dataOffset),
      spinRounds_(size <= shm_host::usableCores() ? kSpinRounds : 0),
      yieldRounds_(size <= shm_host::usableCores() ? kYieldRounds : 0) {}

ShmGroup::~ShmGroup() {
  rankStates(header_)[rank_].closed.store(1);
  header_->bell.fetch_add(1);
  futexWakeAll(&header_->bell);
  munmap(base_, mappedBytes_);
}

char* ShmGroup::slot(uint64_t set, int owner) const {
  return data_ + (set * static_cast<size_t>(size_) + static_cast<size_t>(owner)) * slotBytes_;
}

std::string ShmGroup::missingRanks(uint64_t epoch) const {
  std::ostringstream out;
  const ShmRankState* states = rankStates(header_);
  bool first = true;
  for (int r = 0; r < size_; r++) {
    if (states[r].epoch.load(std::memory_order_acquire) >= epoch) continue;
    out << (first ? "" : ", ") << r << " (pid " << states[r].pid << ")";
    first = false;
  }
  return first ? "none" : out.str();
}

void ShmGroup::giveUp(const std::string& why) {
  broken_ = true;
  int32_t none = 0;
  header_->abortedBy.compare_exchange_strong(none, rank_ + 1);
  header_->bell.fetch_add(1);
  futexWakeAll(&header_->bell);
  throw std::runtime_error("shared-memory collective: " + why);
}

void ShmGroup::arriveAndWait() {
  if (broken_) throw std::runtime_error("shared-memory collective: the group is unusable after an earlier failure");
  ShmRankState* states = rankStates(header_);
  const uint64_t target = ++epoch_;
  states[rank_].epoch.store(target);
  header_->bell.fetch_add(1);
  if (header_->sleepers.load() > 0) futexWakeAll(&header_->bell);

  auto everyoneHere = [&]() {
    for (int r = 0; r < size_; r++) {
      if (states[r].epoch.load(std::memory_order_acquire) < target) return false;
    }
    return true;
  };
  for (int i = 0; i < spinRounds_; i++) {
    if (everyoneHere()) return;
    cpuRelax();
  }
  for (int i = 0; i < yieldRounds_; i++) {
    if (everyoneHere()) return;
    sched_yield();
  }
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto deadline = start + timeout_;
  auto nextLivenessCheck = start + kLivenessEvery;
  while (true) {
    header_->sleepers.fetch_add(1);
    uint32_t bell = header_->bell.load();
    bool done = everyoneHere();
    if (!done && header_->abortedBy.load() == 0) futexWait(&header_->bell, bell, std::chrono::milliseconds(20));
    header_->sleepers.fetch_sub(1);
    if (done || everyoneHere()) return;
    int32_t aborted = header_->abortedBy.load();
    if (aborted != 0) {
      giveUp("rank " + std::to_string(aborted - 1) + " gave up on it (it timed out or saw a rank die); not arrived: rank(s) " +
             missingRanks(target));
    }
    auto now = Clock::now();
    if (now >= nextLivenessCheck) {
      nextLivenessCheck = now + kLivenessEvery;
      for (int r = 0; r < size_; r++) {
        if (states[r].epoch.load() >= target) continue;
        const std::string who = "rank " + std::to_string(r) + " (pid " + std::to_string(states[r].pid) + ")";
        if (shm_host::processGone(states[r].pid)) giveUp(who + " exited");
        if (states[r].closed.load() != 0) giveUp(who + " closed the group without calling it");
      }
    }
    if (now >= deadline) {
      giveUp("timed out after " + std::to_string(timeout_.count()) + " ms waiting for rank(s) " + missingRanks(target));
    }
  }
}

}  // namespace ner_gloo
