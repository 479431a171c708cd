// The shared-memory collectives. Every chunk goes: copy into this rank's slot, barrier, then
// either read the others' slots (gather, broadcast) or reduce this rank's 1/N slice of every
// slot and, after a second barrier, copy the reduced chunk out. Chunks alternate between two
// buffer sets, so the next chunk's copy-in never overwrites a slot another rank still reads:
// to reuse a set, a rank must have passed a barrier that every rank reaches only after reading
// the chunk before.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "shm_group.h"

namespace ner_gloo {
namespace {

// Elements per reduction block: small enough that the block stays in L1 while every rank's
// slot is folded into it.
constexpr size_t kBlockElements = 2048;
// Slices start on a cache line, so two ranks never write the same line.
constexpr size_t kCacheLine = 64;

template <typename T>
void combine(ReduceOp op, T* __restrict into, const T* __restrict from, size_t n) {
  switch (op) {
    case ReduceOp::Sum:
    case ReduceOp::Mean:
      for (size_t i = 0; i < n; i++) into[i] += from[i];
      return;
    case ReduceOp::Max:
      for (size_t i = 0; i < n; i++) into[i] = std::max(into[i], from[i]);
      return;
    case ReduceOp::Min:
      for (size_t i = 0; i < n; i++) into[i] = std::min(into[i], from[i]);
      return;
  }
}

// Reduces elements [lo, hi) of the chunk: slot 0 receives the result (the others copy it from
// there), and so does `out` (this rank's own data, which then needs no copy-out for the slice).
template <typename T>
void reduceSlice(ReduceOp op, int size, char* const* slots, size_t lo, size_t hi, T* out) {
  for (size_t begin = lo; begin < hi; begin += kBlockElements) {
    const size_t n = std::min(kBlockElements, hi - begin);
    T* into = reinterpret_cast<T*>(slots[0]) + begin;
    for (int r = 1; r < size; r++) combine(op, into, reinterpret_cast<const T*>(slots[r]) + begin, n);
    if (op == ReduceOp::Mean) {
      // As the gloo path: the sum divided by the world size (integers truncate toward zero).
      const T divisor = static_cast<T>(size);
      for (size_t i = 0; i < n; i++) into[i] = static_cast<T>(into[i] / divisor);
    }
    std::memcpy(out + begin, into, n * sizeof(T));
  }
}

void reduceSliceOf(DType dtype, ReduceOp op, int size, char* const* slots, size_t lo, size_t hi, void* out) {
  switch (dtype) {
    case DType::Float32: return reduceSlice(op, size, slots, lo, hi, static_cast<float*>(out));
    case DType::Float64: return reduceSlice(op, size, slots, lo, hi, static_cast<double*>(out));
    case DType::Int32: return reduceSlice(op, size, slots, lo, hi, static_cast<int32_t*>(out));
    case DType::Uint8: throw std::invalid_argument("allReduce does not take Uint8Array");
  }
}

size_t clampedPart(size_t total, size_t begin, size_t limit) {
  return total > begin ? std::min(total - begin, limit) : 0;
}

}  // namespace

void ShmGroup::allReduce(void* data, size_t count, DType dtype, ReduceOp op) {
  const size_t bytes = elementBytes(dtype);
  const size_t chunkElements = slotBytes_ / bytes;
  const size_t align = kCacheLine / bytes;
  char* base = static_cast<char*>(data);
  std::vector<char*> slots(static_cast<size_t>(size_));
  for (size_t offset = 0; offset < count; offset += chunkElements) {
    const size_t n = std::min(chunkElements, count - offset);
    const uint64_t set = nextSet();
    for (int r = 0; r < size_; r++) slots[static_cast<size_t>(r)] = slot(set, r);
    std::memcpy(slots[static_cast<size_t>(rank_)], base + offset * bytes, n * bytes);
    arriveAndWait();
    const size_t per = ((n + static_cast<size_t>(size_) - 1) / static_cast<size_t>(size_) + align - 1) / align * align;
    const size_t lo = std::min(n, per * static_cast<size_t>(rank_));
    const size_t hi = std::min(n, lo + per);
    reduceSliceOf(dtype, op, size_, slots.data(), lo, hi, base + offset * bytes);
    arriveAndWait();
    // The rest of the reduced chunk: everything but this rank's own slice, already in place.
    std::memcpy(base + offset * bytes, slots[0], lo * bytes);
    std::memcpy(base + (offset + hi) * bytes, slots[0] + hi * bytes, (n - hi) * bytes);
  }
}

void ShmGroup::allGatherV(const void* input, void* output, const std::vector<size_t>& byteCounts) {
  const size_t largest = *std::max_element(byteCounts.begin(), byteCounts.end());
  std::vector<size_t> offsets(byteCounts.size(), 0);
  for (size_t r = 1; r < byteCounts.size(); r++) offsets[r] = offsets[r - 1] + byteCounts[r - 1];
  const char* in = static_cast<const char*>(input);
  char* out = static_cast<char*>(output);
  const size_t mine = static_cast<size_t>(rank_);
  if (byteCounts[mine] > 0) std::memcpy(out + offsets[mine], in, byteCounts[mine]);
  // Round k moves bytes [k * slot, (k + 1) * slot) of every rank's block.
  for (size_t begin = 0; begin < largest; begin += slotBytes_) {
    const uint64_t set = nextSet();
    const size_t minePart = clampedPart(byteCounts[mine], begin, slotBytes_);
    if (minePart > 0) std::memcpy(slot(set, rank_), in + begin, minePart);
    arriveAndWait();
    for (int r = 0; r < size_; r++) {
      if (r == rank_) continue;
      const size_t part = clampedPart(byteCounts[static_cast<size_t>(r)], begin, slotBytes_);
      if (part > 0) std::memcpy(out + offsets[static_cast<size_t>(r)] + begin, slot(set, r), part);
    }
  }
}

void ShmGroup::broadcast(void* data, size_t bytes, int root) {
  char* bytesOut = static_cast<char*>(data);
  for (size_t begin = 0; begin < bytes; begin += slotBytes_) {
    const size_t part = std::min(slotBytes_, bytes - begin);
    const uint64_t set = nextSet();
    if (rank_ == root) std::memcpy(slot(set, root), bytesOut + begin, part);
    arriveAndWait();
    if (rank_ != root) std::memcpy(bytesOut + begin, slot(set, root), part);
  }
}

void ShmGroup::barrier() { arriveAndWait(); }

}  // namespace ner_gloo
