#include "nccl.h"

#include <chrono>
#include <thread>

namespace ner::cuda {

namespace {

using Clock = std::chrono::steady_clock;

std::string versionString(int v) {
  return std::to_string(v / 10000) + "." + std::to_string(v / 100 % 100) + "." + std::to_string(v % 100);
}

/** Sleeps a little longer each time, up to 1 ms: quick answers for fast collectives, little CPU for slow ones. */
void backoff(int &sleptUs) {
  sleptUs = sleptUs < 1000 ? sleptUs * 2 + 10 : 1000;
  std::this_thread::sleep_for(std::chrono::microseconds(sleptUs));
}

bool expired(Clock::time_point start, double timeoutMs) {
  return timeoutMs > 0 &&
         std::chrono::duration<double, std::milli>(Clock::now() - start).count() > timeoutMs;
}

void *asPtr(CUdeviceptr p) { return reinterpret_cast<void *>(p); }

std::string timeoutText(double timeoutMs) {
  return "timed out after " + std::to_string(static_cast<long long>(timeoutMs)) + " ms";
}

}  // namespace

const char *ncclResultName(ncclResult_t r) {
  switch (r) {
    case 0: return "ncclSuccess";
    case 1: return "ncclUnhandledCudaError";
    case 2: return "ncclSystemError";
    case 3: return "ncclInternalError";
    case 4: return "ncclInvalidArgument";
    case 5: return "ncclInvalidUsage";
    case 6: return "ncclRemoteError";
    case 7: return "ncclInProgress";
    default: return "ncclUnknownResult";
  }
}

const NcclLibrary *loadNccl(std::string &whyNot) {
  static NcclLibrary nccl;  // opened once; stays loaded (NCCL keeps threads of its own)
  static std::string failure;
  static std::once_flag once;
  std::call_once(once, [] {
    std::string why;
    Library lib = openLibrary({"libnccl.so.2"}, false, why);
    if (!lib.handle) {
      failure = why;
      return;
    }
    NcclApi &a = nccl.api;
    std::string missing;
    NER_BIND(a, ncclGetVersion); NER_BIND(a, ncclGetUniqueId); NER_BIND(a, ncclCommInitRankConfig);
    NER_BIND(a, ncclCommGetAsyncError); NER_BIND(a, ncclCommFinalize); NER_BIND(a, ncclCommDestroy);
    NER_BIND(a, ncclCommAbort); NER_BIND(a, ncclGetErrorString); NER_BIND(a, ncclAllReduce);
    NER_BIND(a, ncclAllGather); NER_BIND(a, ncclBroadcast); NER_BIND(a, ncclReduceScatter);
    a.ncclGetLastError = reinterpret_cast<decltype(a.ncclGetLastError)>(findSymbol(lib, "ncclGetLastError"));
    if (a.ncclGetVersion && a.ncclGetVersion(&nccl.version) != ncclSuccess) nccl.version = 0;
    if (nccl.version > 0 && nccl.version < kNcclMinVersion) {
      failure = lib.path + " is NCCL " + versionString(nccl.version) +
                "; 2.14 or newer is needed (nonblocking communicators, ncclAvg)";
    } else if (!missing.empty()) {
      failure = lib.path + " lacks " + missing + " (NCCL 2.14 or newer is needed)";
    } else {
      nccl.lib = lib;
    }
  });
  if (!nccl.lib.handle) {
    whyNot = failure;
    return nullptr;
  }
  return &nccl;
}

std::array<char, kNcclUniqueIdBytes> makeNcclUniqueId() {
  std::string why;
  const NcclLibrary *nccl = loadNccl(why);
  if (!nccl) throw CudaError("unavailable: " + why);
  ncclUniqueId id{};
  const ncclResult_t r = nccl->api.ncclGetUniqueId(&id);
  if (r != ncclSuccess) {
    throw CudaError(std::string("ncclGetUniqueId: ") + ncclResultName(r) + " (" + nccl->api.ncclGetErrorString(r) +
                    ")");
  }
  std::array<char, kNcclUniqueIdBytes> out{};
  std::copy(id.internal, id.internal + kNcclUniqueIdBytes, out.begin());
  return out;
}

std::shared_ptr<Communicator> Communicator::start(std::shared_ptr<Device> device, const NcclLibrary &nccl,
                                                  const ncclUniqueId &id, int worldSize, int rank) {
  device->makeCurrent();  // NCCL takes the device from the current context
  std::shared_ptr<Communicator> c(new Communicator(std::move(device), nccl, worldSize, rank));
  NcclConfigV214 config{sizeof(NcclConfigV214), kNcclConfigMagic, static_cast<unsigned>(kNcclMinVersion), 0};
  const ncclResult_t r = nccl.api.ncclCommInitRankConfig(&c->comm_, worldSize, id, rank, &config);
  if (r != ncclSuccess && r != ncclInProgress) {
    if (c->comm_) nccl.api.ncclCommAbort(c->comm_);
    c->comm_ = nullptr;
    c->gone_ = "its initialization failed";
    c->fail("ncclCommInitRankConfig(rank " + std::to_string(rank) + " of " + std::to_string(worldSize) + ")", r);
  }
  return c;
}

Communicator::~Communicator() {
  // A communicator dropped without destroy(): abort (never blocks) rather than leak NCCL's threads.
  std::lock_guard<std::mutex> lock(mu_);
  if (comm_) nccl_.api.ncclCommAbort(comm_);
  comm_ = nullptr;
}

void Communicator::fail(const std::string &call, ncclResult_t r) {
  std::string message = call + ": " + ncclResultName(r) + " (" + nccl_.api.ncclGetErrorString(r) + ")";
  if (nccl_.api.ncclGetLastError) {
    const char *last = nccl_.api.ncclGetLastError(comm_);
    if (last && last[0]) message += ": " + std::string(last);
  }
  throw CudaError(message);
}

ncclComm_t Communicator::live(const std::string &call) {
  if (!comm_) throw CudaError(call + ": the NCCL communicator is gone (" + gone_ + ")");
  return comm_;
}

bool Communicator::pollLocked(const std::string &call) {
  ncclResult_t state = ncclSuccess;
  const ncclResult_t r = nccl_.api.ncclCommGetAsyncError(live(call), &state);
  if (r != ncclSuccess) fail(call + " (ncclCommGetAsyncError)", r);
  if (state == ncclInProgress) return false;
  if (state != ncclSuccess) {
    const std::string why = call + ": " + ncclResultName(state);
    try {
      fail(call, state);
    } catch (...) {
      abortLocked(why);
      throw;
    }
  }
  return true;
}

void Communicator::abortLocked(const std::string &why) {
  if (comm_) nccl_.api.ncclCommAbort(comm_);
  comm_ = nullptr;
  if (gone_.empty()) gone_ = "aborted: " + why;
}

void Communicator::settle(const std::string &call, ncclResult_t r, double timeoutMs) {
  if (r == ncclSuccess) return;
  if (r != ncclInProgress) fail(call, r);
  const auto start = Clock::now();
  int sleptUs = 0;
  while (!pollLocked(call)) {
    if (expired(start, timeoutMs)) {
      abortLocked(call + " " + timeoutText(timeoutMs));
      throw CudaError(call + ": " + timeoutText(timeoutMs) + "; the communicator was aborted (ncclCommAbort)");
    }
    backoff(sleptUs);
  }
}

void Communicator::waitReady(const std::string &what, double timeoutMs) {
  device_->makeCurrent();
  const auto start = Clock::now();
  int sleptUs = 0;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (pollLocked(what)) return;
      if (expired(start, timeoutMs)) {
        abortLocked(what + " " + timeoutText(timeoutMs));
        throw CudaError(what + ": " + timeoutText(timeoutMs) +
                        " waiting for the other ranks; the communicator was aborted (ncclCommAbort)");
      }
    }
    backoff(sleptUs);
  }
}

// The collectives: device pointers become the void* NCCL takes; everything else passes through.
void Communicator::allReduce(CUdeviceptr send, CUdeviceptr recv, size_t count, ncclDataType_t type,
                             ncclRedOp_t op, double timeoutMs) {
  enqueue("ncclAllReduce", timeoutMs, [&](ncclComm_t comm, CUstream stream) {
    return nccl_.api.ncclAllReduce(asPtr(send), asPtr(recv), count, type, op, comm, stream);
  });
}

void Communicator::allGather(CUdeviceptr send, CUdeviceptr recv, size_t sendCount, ncclDataType_t type,
                             double timeoutMs) {
  enqueue("ncclAllGather", timeoutMs, [&](ncclComm_t comm, CUstream stream) {
    return nccl_.api.ncclAllGather(asPtr(send), asPtr(recv), sendCount, type, comm, stream);
  });
}

void Communicator::broadcast(CUdeviceptr send, CUdeviceptr recv, size_t count, ncclDataType_t type, int root,
                             double timeoutMs) {
  enqueue("ncclBroadcast", timeoutMs, [&](ncclComm_t comm, CUstream stream) {
    return nccl_.api.ncclBroadcast(asPtr(send), asPtr(recv), count, type, root, comm, stream);
  });
}

void Communicator::reduceScatter(CUdeviceptr send, CUdeviceptr recv, size_t recvCount, ncclDataType_t type,
                                 ncclRedOp_t op, double timeoutMs) {
  enqueue("ncclReduceScatter", timeoutMs, [&](ncclComm_t comm, CUstream stream) {
    return nccl_.api.ncclReduceScatter(asPtr(send), asPtr(recv), recvCount, type, op, comm, stream);
  });
}

void Communicator::waitEvent(CUevent event, double timeoutMs) {
  device_->makeCurrent();
  const auto start = Clock::now();
  int sleptUs = 0;
  for (;;) {
    if (device_->eventDone(event)) return;
    {
      // A peer that died shows up as an asynchronous error (ncclRemoteError, ncclSystemError).
      std::lock_guard<std::mutex> lock(mu_);
      pollLocked("NCCL collective");
      if (expired(start, timeoutMs)) {
        abortLocked("a collective " + timeoutText(timeoutMs));
        throw CudaError("NCCL collective: " + timeoutText(timeoutMs) + " (rank " + std::to_string(rank) + " of " +
                        std::to_string(worldSize) +
                        "; a peer is dead or stuck); the communicator was aborted (ncclCommAbort)");
      }
    }
    backoff(sleptUs);
  }
}

void Communicator::abort(const std::string &why) {
  std::lock_guard<std::mutex> lock(mu_);
  abortLocked(why);
}

void Communicator::destroy(double timeoutMs) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!comm_) return;
  // Finalize (nonblocking: flushes the work still queued, polled with the deadline), then free.
  settle("ncclCommFinalize", nccl_.api.ncclCommFinalize(comm_), timeoutMs);
  const ncclResult_t r = nccl_.api.ncclCommDestroy(comm_);
  comm_ = nullptr;
  gone_ = "destroyed";
  if (r != ncclSuccess) fail("ncclCommDestroy", r);
}

}  // namespace ner::cuda
