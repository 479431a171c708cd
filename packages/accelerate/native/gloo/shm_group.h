// Collectives through one POSIX shared-memory segment, for groups whose ranks all run on one
// host. Gloo has no shared-memory transport: on one host its TCP ring moves every byte through
// the loopback stack (two copies and a syscall per segment), where Open MPI's default copies
// through shared memory. This path does the same: each rank copies its input into its slot,
// every rank reduces its 1/N slice of the slots, and each copies the result out, chunk by chunk
// through a segment of fixed size.
//
// Lifetime: rank 0 creates the segment (/dev/shm/ner-accelerate-<its pid>-<random hex>) under a
// name exchanged through the rendezvous
// store, every rank maps it, and rank 0 unlinks the name as soon as all have mapped it, so
// nothing is left in /dev/shm whatever happens to the processes afterwards (kill -9 included).
//
// Every wait has the group's deadline and watches the other ranks' pids: a rank that died or
// hangs makes the others throw (a message with "timed out" and the ranks), never hang.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gloo/rendezvous/store.h>

#include "types.h"

namespace ner_gloo {

struct ShmHeader;

class ShmGroup {
 public:
  // Agrees through `store` (every rank must call it, in the same order as the other store
  // users) whether all ranks share this host and the shared-memory path is enabled everywhere
  // (NER_ACCELERATE_SHM=0 on any rank turns it off for all). Returns null when not; throws when
  // the store fails or a rank does not answer within `timeout`.
  static std::shared_ptr<ShmGroup> establish(gloo::rendezvous::Store& store, int rank, int size,
                                             std::chrono::milliseconds timeout);

  ~ShmGroup();
  ShmGroup(const ShmGroup&) = delete;
  ShmGroup& operator=(const ShmGroup&) = delete;

  // In place: `data` ends with the reduction of every rank's `count` elements.
  void allReduce(void* data, size_t count, DType dtype, ReduceOp op);
  // `output` gets every rank's block of `byteCounts[r]` bytes, in rank order.
  void allGatherV(const void* input, void* output, const std::vector<size_t>& byteCounts);
  void broadcast(void* data, size_t bytes, int root);
  void barrier();

  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  ShmGroup(int rank, int size, std::chrono::milliseconds timeout, void* base, size_t mappedBytes);

  // Slot `owner` of the chunk buffer `set` (0 or 1): `slotBytes_` bytes.
  char* slot(uint64_t set, int owner) const;
  // The buffer set for the next chunk. Consecutive chunks alternate sets, across calls too, so
  // a rank may fill one set while the others still read the previous chunk from the other.
  uint64_t nextSet() { return chunkSequence_++ & 1; }
  // Waits until every rank has arrived at this rank's next barrier, or throws.
  void arriveAndWait();
  [[noreturn]] void giveUp(const std::string& why);
  std::string missingRanks(uint64_t epoch) const;

  int rank_;
  int size_;
  std::chrono::milliseconds timeout_;
  void* base_;
  size_t mappedBytes_;
  ShmHeader* header_;
  size_t slotBytes_;
  char* data_;
  // How long a barrier busy-waits before it sleeps: not at all with more ranks than cores.
  int spinRounds_;
  int yieldRounds_;
  uint64_t epoch_ = 0;
  uint64_t chunkSequence_ = 0;
  bool broken_ = false;
};

}  // namespace ner_gloo
