// NCCL communicators on the device's stream: libnccl.so.2 opened at run time (nccl_api.h), one
// nonblocking communicator per Communicator, collectives queued on the main thread in stream
// order, and completion awaited on a worker thread that aborts the communicator
// (ncclCommAbort) when a deadline passes or NCCL reports an asynchronous error, so a dead peer
// cannot hang the process.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "device.h"
#include "nccl_api.h"

namespace ner::cuda {

/** libnccl, its entry points and its version (e.g. 22703 for 2.27.3). */
struct NcclLibrary {
  Library lib;
  NcclApi api{};
  int version = 0;
};

/**
 * Opens libnccl.so.2 once per process along the same search as the CUDA libraries (already
 * loaded, NER_CUDA_LIB_DIR, Python wheels' nvidia/nccl/lib, the system loader, CUDA_HOME).
 * Returns null and sets `whyNot` (one line) when it is missing, lacks an entry point or is
 * older than 2.14.
 */
const NcclLibrary *loadNccl(std::string &whyNot);

/** "ncclInvalidArgument" for 4, and so on. */
const char *ncclResultName(ncclResult_t r);

/** A new unique id (rank 0 makes it; every rank passes it to Communicator::start). Throws. */
std::array<char, kNcclUniqueIdBytes> makeNcclUniqueId();

class Communicator {
 public:
  /** Starts ncclCommInitRankConfig (nonblocking) on `device`; call waitReady to finish it. */
  static std::shared_ptr<Communicator> start(std::shared_ptr<Device> device, const NcclLibrary &nccl,
                                             const ncclUniqueId &id, int worldSize, int rank);
  ~Communicator();

  /** Polls until the communicator's pending work (init, a queued call) is done; any thread. */
  void waitReady(const std::string &what, double timeoutMs);
  // Queue one collective on the device's stream (main thread); counts are elements.
  void allReduce(CUdeviceptr send, CUdeviceptr recv, size_t count, ncclDataType_t type, ncclRedOp_t op,
                 double timeoutMs);
  void allGather(CUdeviceptr send, CUdeviceptr recv, size_t sendCount, ncclDataType_t type, double timeoutMs);
  void broadcast(CUdeviceptr send, CUdeviceptr recv, size_t count, ncclDataType_t type, int root, double timeoutMs);
  void reduceScatter(CUdeviceptr send, CUdeviceptr recv, size_t recvCount, ncclDataType_t type, ncclRedOp_t op,
                     double timeoutMs);
  /** Waits on a worker thread for `event` (recorded after the collectives), aborting on timeout. */
  void waitEvent(CUevent event, double timeoutMs);
  /** ncclCommAbort: pending and later calls fail; idempotent. */
  void abort(const std::string &why);
  /** ncclCommDestroy after the stream's work; aborts instead when it does not finish in time. */
  void destroy(double timeoutMs);

  Device &device() { return *device_; }
  const int worldSize, rank;

 private:
  Communicator(std::shared_ptr<Device> device, const NcclLibrary &nccl, int worldSize, int rank)
      : worldSize(worldSize), rank(rank), device_(std::move(device)), nccl_(nccl) {}
  /** Throws with the call, the result's name, NCCL's string and its last error. */
  [[noreturn]] void fail(const std::string &call, ncclResult_t r);
  /** The communicator, or throws naming why there is none any more. Call with mu_ held. */
  ncclComm_t live(const std::string &call);
  /** Checks a call's result; ncclInProgress is polled to completion, aborting after timeoutMs (mu_ held). */
  void settle(const std::string &call, ncclResult_t r, double timeoutMs);
  /** One poll of ncclCommGetAsyncError: true when done, false while in progress; throws on an error (mu_ held). */
  bool pollLocked(const std::string &call);
  void abortLocked(const std::string &why);
  /** Queues one collective: `call(comm, stream)` under the lock, its result settled with the deadline. */
  template <typename Call>
  void enqueue(const char *name, double timeoutMs, Call call) {
    std::lock_guard<std::mutex> lock(mu_);
    settle(name, call(live(name), device_->stream()), timeoutMs);
  }

  std::shared_ptr<Device> device_;
  const NcclLibrary &nccl_;
  std::mutex mu_;
  ncclComm_t comm_ = nullptr;
  std::string gone_;  // why comm_ is null: "aborted: ..." or "destroyed"
};

}  // namespace ner::cuda
