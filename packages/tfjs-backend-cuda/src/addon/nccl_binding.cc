// N-API glue for NCCL (nccl.h): `ncclStatus()`, `ncclGetUniqueId()` and the device method
// `ncclInit(uniqueId, worldSize, rank, timeoutMs)`, whose promise resolves to a communicator
// object. Collectives take device pointers (BigInt) and element counts and are queued on the
// device's stream; `wait(timeoutMs)` resolves when they are done, from a worker thread that
// aborts the communicator on timeout. src/nccl/ validates tensors and wraps all of this.
#include <cstring>
#include <functional>

#include "nccl.h"
#include "napi_util.h"

namespace ner::napi {

namespace {

using ner::cuda::Communicator;
using ner::cuda::kNcclUniqueIdBytes;
using ner::cuda::NcclLibrary;

/** Work for a worker thread, then a value for the promise on the main thread. */
struct AsyncJob {
  std::function<void()> execute;
  std::function<napi_value(napi_env)> resolve;
  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;
  std::string error;
};

void ExecuteJob(napi_env, void *data) {
  auto *job = static_cast<AsyncJob *>(data);
  try {
    job->execute();
  } catch (const std::exception &e) {
    job->error = e.what();
  }
}

void CompleteJob(napi_env env, napi_status status, void *data) {
  auto *job = static_cast<AsyncJob *>(data);
  if (status != napi_ok && job->error.empty()) job->error = "the NCCL wait was cancelled";
  napi_value value = nullptr;
  if (job->error.empty()) {
    try {
      value = job->resolve(env);
    } catch (const std::exception &e) {
      job->error = e.what();
    }
  }
  settleDeferred(env, job->deferred, job->error, value);
  napi_delete_async_work(env, job->work);
  delete job;
}

/** A promise settled by `job` (owned from here on). */
napi_value runAsync(napi_env env, const char *name, AsyncJob *job) {
  napi_value promise, resource;
  try {
    ok(env, napi_create_promise(env, &job->deferred, &promise), name);
    napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource);
    ok(env, napi_create_async_work(env, nullptr, resource, ExecuteJob, CompleteJob, job, &job->work), name);
    ok(env, napi_queue_async_work(env, job->work), name);
  } catch (...) {
    delete job;
    throw;
  }
  return promise;
}

const NcclLibrary &nccl() {
  std::string why;
  const NcclLibrary *lib = ner::cuda::loadNccl(why);
  if (!lib) throw CudaError("unavailable: " + why);
  return *lib;
}

struct CommHandle {
  std::shared_ptr<Communicator> comm;
};

struct CommCall {
  std::shared_ptr<Communicator> comm;
  size_t argc;
  napi_value argv[8];
};

CommCall commCall(napi_env env, napi_callback_info info, size_t n, const char *method) {
  CommCall c{};
  c.argc = 8;
  void *data = nullptr;
  ok(env, napi_get_cb_info(env, info, &c.argc, c.argv, nullptr, &data), method);
  auto *handle = static_cast<CommHandle *>(data);
  if (!handle || !handle->comm) throw CudaError(std::string(method) + ": the NCCL communicator is destroyed");
  if (c.argc < n) throw ArgError(std::string(method) + ": expected " + std::to_string(n) + " arguments");
  c.comm = handle->comm;
  return c;
}

int getInt(napi_env env, napi_value v, const char *what) {
  const double d = getNumber(env, v, what);
  if (d != static_cast<double>(static_cast<int>(d))) throw ArgError(std::string(what) + ": expected an integer");
  return static_cast<int>(d);
}

ner::cuda::ncclDataType_t getType(napi_env env, napi_value v, const char *what) {
  const int t = getInt(env, v, what);
  if (t != ner::cuda::ncclFloat32 && t != ner::cuda::ncclInt32) {
    throw ArgError(std::string(what) + ": " + std::to_string(t) + " is not ncclFloat32 (7) or ncclInt32 (2)");
  }
  return t;
}

ner::cuda::ncclRedOp_t getOp(napi_env env, napi_value v, const char *what) {
  const int op = getInt(env, v, what);
  if (op != ner::cuda::ncclSum && op != ner::cuda::ncclMax && op != ner::cuda::ncclMin && op != ner::cuda::ncclAvg) {
    throw ArgError(std::string(what) + ": " + std::to_string(op) + " is not ncclSum, ncclMax, ncclMin or ncclAvg");
  }
  return op;
}

enum class Kind { AllReduce, AllGather, Broadcast, ReduceScatter };

/**
 * The four collectives, as one template: allReduce(send, recv, count, dtype, op, timeoutMs),
 * allGather(send, recv, sendCount, dtype, timeoutMs), broadcast(send, recv, count, dtype, root,
 * timeoutMs), reduceScatter(send, recv, recvCount, dtype, op, timeoutMs).
 */
template <Kind K>
napi_value Collective(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    const char *method = K == Kind::AllReduce   ? "allReduce"
                         : K == Kind::AllGather ? "allGather"
                         : K == Kind::Broadcast ? "broadcast"
                                                : "reduceScatter";
    const size_t n = K == Kind::AllGather ? 5 : 6;
    CommCall c = commCall(env, info, n, method);
    const std::string m(method);
    const auto send = getPtr(env, c.argv[0], (m + "(send)").c_str());
    const auto recv = getPtr(env, c.argv[1], (m + "(recv)").c_str());
    const size_t count = getSize(env, c.argv[2], (m + "(count)").c_str());
    const auto type = getType(env, c.argv[3], (m + "(dtype)").c_str());
    const double timeoutMs = getNumber(env, c.argv[n - 1], (m + "(timeoutMs)").c_str());
    if (K == Kind::AllGather) {
      c.comm->allGather(send, recv, count, type, timeoutMs);
    } else if (K == Kind::Broadcast) {
      c.comm->broadcast(send, recv, count, type, getInt(env, c.argv[4], (m + "(root)").c_str()), timeoutMs);
    } else {
      const auto op = getOp(env, c.argv[4], (m + "(op)").c_str());
      if (K == Kind::AllReduce) c.comm->allReduce(send, recv, count, type, op, timeoutMs);
      else c.comm->reduceScatter(send, recv, count, type, op, timeoutMs);
    }
    return undefinedValue(env);
  });
}

// wait(timeoutMs) -> Promise<void>: everything queued on the stream so far, collectives included.
napi_value Wait(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CommCall c = commCall(env, info, 1, "wait");
    const double timeoutMs = getNumber(env, c.argv[0], "wait(timeoutMs)");
    auto comm = c.comm;
    const auto event = std::make_shared<ner::cuda::CUevent>(comm->device().recordEvent());
    auto *job = new AsyncJob;
    job->execute = [comm, event, timeoutMs] {
      try {
        comm->waitEvent(*event, timeoutMs);
      } catch (...) {
        comm->device().destroyEvent(*event);
        throw;
      }
      comm->device().destroyEvent(*event);
    };
    job->resolve = [](napi_env e) { return undefinedValue(e); };
    return runAsync(env, "ner_nccl_wait", job);
  });
}

// abort(reason)
napi_value Abort(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CommCall c = commCall(env, info, 1, "abort");
    c.comm->abort(getString(env, c.argv[0], "abort(reason)"));
    return undefinedValue(env);
  });
}

// destroy(timeoutMs)
napi_value Destroy(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CommCall c = commCall(env, info, 1, "destroy");
    c.comm->destroy(getNumber(env, c.argv[0], "destroy(timeoutMs)"));
    return undefinedValue(env);
  });
}

void FinalizeComm(napi_env, void *data, void *) { delete static_cast<CommHandle *>(data); }

napi_value makeCommObject(napi_env env, std::shared_ptr<Communicator> comm) {
  auto *handle = new CommHandle{std::move(comm)};
  napi_value obj;
  napi_create_object(env, &obj);
  defineMethods(env, obj, handle,
                {{"allReduce", Collective<Kind::AllReduce>}, {"allGather", Collective<Kind::AllGather>},
                 {"broadcast", Collective<Kind::Broadcast>}, {"reduceScatter", Collective<Kind::ReduceScatter>},
                 {"wait", Wait}, {"abort", Abort}, {"destroy", Destroy}});
  setNumber(env, obj, "worldSize", handle->comm->worldSize);
  setNumber(env, obj, "rank", handle->comm->rank);
  ok(env, napi_wrap(env, obj, handle, FinalizeComm, nullptr, nullptr), "wrap");
  return obj;
}

// ncclStatus() -> {available, version, library} | {available: false, reason}
napi_value NcclStatus(napi_env env, napi_callback_info) {
  return guarded(env, [&] {
    std::string why;
    const NcclLibrary *lib = ner::cuda::loadNccl(why);
    napi_value obj, flag;
    napi_create_object(env, &obj);
    napi_get_boolean(env, lib != nullptr, &flag);
    napi_set_named_property(env, obj, "available", flag);
    if (lib) {
      setNumber(env, obj, "version", lib->version);
      setString(env, obj, "library", lib->lib.path);
    } else {
      setString(env, obj, "reason", "unavailable: " + why);
    }
    return obj;
  });
}

// ncclGetUniqueId() -> Buffer of 128 bytes
napi_value NcclGetUniqueId(napi_env env, napi_callback_info) {
  return guarded(env, [&] {
    const auto id = ner::cuda::makeNcclUniqueId();
    napi_value buffer;
    void *data = nullptr;
    ok(env, napi_create_buffer_copy(env, id.size(), id.data(), &data, &buffer), "ncclGetUniqueId");
    return buffer;
  });
}

}  // namespace

// ncclInit(uniqueId: Uint8Array(128), worldSize, rank, timeoutMs) -> Promise<communicator>
napi_value NcclInit(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info, 4, "ncclInit");
    const HostView id = viewOf(env, c.argv[0], "ncclInit(uniqueId)");
    if (id.bytes != kNcclUniqueIdBytes) {
      throw ArgError("ncclInit(uniqueId): " + std::to_string(id.bytes) + " bytes, expected 128");
    }
    const double worldSize = getNumber(env, c.argv[1], "ncclInit(worldSize)");
    const double rank = getNumber(env, c.argv[2], "ncclInit(rank)");
    const double timeoutMs = getNumber(env, c.argv[3], "ncclInit(timeoutMs)");
    if (!(worldSize >= 1) || worldSize > 65536 || worldSize != static_cast<int>(worldSize)) {
      throw ArgError("ncclInit(worldSize): " + std::to_string(worldSize) + " is not an integer in [1, 65536]");
    }
    if (!(rank >= 0) || rank >= worldSize || rank != static_cast<int>(rank)) {
      throw ArgError("ncclInit(rank): " + std::to_string(rank) + " is not an integer in [0, worldSize)");
    }
    ner::cuda::ncclUniqueId uid{};
    std::memcpy(uid.internal, id.data, kNcclUniqueIdBytes);
    auto comm = Communicator::start(c.handle->device, nccl(), uid, static_cast<int>(worldSize), static_cast<int>(rank));
    auto *job = new AsyncJob;
    job->execute = [comm, timeoutMs] {
      comm->waitReady("ncclCommInitRankConfig(rank " + std::to_string(comm->rank) + " of " +
                          std::to_string(comm->worldSize) + ")",
                      timeoutMs);
    };
    job->resolve = [comm](napi_env e) { return makeCommObject(e, comm); };
    return runAsync(env, "ner_nccl_init", job);
  });
}

void registerNcclExports(napi_env env, napi_value exports) {
  defineMethods(env, exports, nullptr, {{"ncclStatus", NcclStatus}, {"ncclGetUniqueId", NcclGetUniqueId}});
}

}  // namespace ner::napi
