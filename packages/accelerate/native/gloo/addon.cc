// N-API surface of the gloo engine. src/backends/gloo-addon.ts types it; src/backends/gloo.ts
// checks arguments first and serializes calls, so the checks here only guard memory safety.
#include <node_api.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <gloo/config.h>
#include <gloo/rendezvous/context.h>
#include <gloo/transport/tcp/device.h>

#include "async_job.h"
#include "collectives.h"
#include "store_client.h"

namespace ner_gloo {
namespace {

// One connected gloo context. Collectives take a tag from `nextTag`, the same sequence on every
// rank because every rank calls the same collectives in the same order.
struct Handle {
  Group group;
  uint32_t nextTag = 1;
};

bool getArgs(napi_env env, napi_callback_info info, size_t expected, napi_value* argv) {
  size_t argc = expected;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < expected) {
    napi_throw_type_error(env, nullptr, "@ner/accelerate gloo: missing arguments");
    return false;
  }
  return true;
}

bool getNamedInt(napi_env env, napi_value object, const char* name, int64_t* out) {
  napi_value value;
  napi_valuetype type;
  if (napi_get_named_property(env, object, name, &value) != napi_ok ||
      napi_typeof(env, value, &type) != napi_ok || type != napi_number ||
      napi_get_value_int64(env, value, out) != napi_ok) {
    std::string message = std::string("@ner/accelerate gloo: option '") + name + "' must be a number";
    napi_throw_type_error(env, nullptr, message.c_str());
    return false;
  }
  return true;
}

bool getNamedString(napi_env env, napi_value object, const char* name, std::string* out) {
  napi_value value;
  napi_valuetype type;
  if (napi_get_named_property(env, object, name, &value) != napi_ok ||
      napi_typeof(env, value, &type) != napi_ok) {
    return false;
  }
  if (type == napi_undefined) {
    out->clear();
    return true;
  }
  size_t length = 0;
  if (type != napi_string || napi_get_value_string_utf8(env, value, nullptr, 0, &length) != napi_ok) {
    std::string message = std::string("@ner/accelerate gloo: option '") + name + "' must be a string";
    napi_throw_type_error(env, nullptr, message.c_str());
    return false;
  }
  out->resize(length + 1);
  napi_get_value_string_utf8(env, value, &(*out)[0], length + 1, &length);
  out->resize(length);
  return true;
}

Handle* getHandle(napi_env env, napi_value value) {
  void* data = nullptr;
  if (napi_get_value_external(env, value, &data) != napi_ok || data == nullptr) {
    napi_throw_type_error(env, nullptr, "@ner/accelerate gloo: not a gloo context");
    return nullptr;
  }
  auto* handle = static_cast<Handle*>(data);
  if (!handle->group.context) {
    napi_throw_error(env, nullptr, "@ner/accelerate gloo: the context is closed");
    return nullptr;
  }
  return handle;
}

struct ArrayView {
  void* data = nullptr;
  size_t length = 0;
  DType dtype = DType::Uint8;
};

bool getArray(napi_env env, napi_value value, ArrayView* out) {
  bool isTyped = false;
  napi_typedarray_type type;
  napi_value buffer;
  size_t byteOffset;
  if (napi_is_typedarray(env, value, &isTyped) != napi_ok || !isTyped ||
      napi_get_typedarray_info(env, value, &type, &out->length, &out->data, &buffer, &byteOffset) != napi_ok) {
    napi_throw_type_error(env, nullptr, "@ner/accelerate gloo: expected a typed array");
    return false;
  }
  switch (type) {
    case napi_float32_array: out->dtype = DType::Float32; return true;
    case napi_float64_array: out->dtype = DType::Float64; return true;
    case napi_int32_array: out->dtype = DType::Int32; return true;
    case napi_uint8_array: out->dtype = DType::Uint8; return true;
    default:
      napi_throw_type_error(env, nullptr,
                            "@ner/accelerate gloo: only Float32Array, Float64Array, Int32Array and Uint8Array are supported");
      return false;
  }
}

bool getCounts(napi_env env, napi_value value, size_t worldSize, std::vector<size_t>* out) {
  bool isArray = false;
  uint32_t length = 0;
  if (napi_is_array(env, value, &isArray) != napi_ok || !isArray ||
      napi_get_array_length(env, value, &length) != napi_ok || length != worldSize) {
    napi_throw_range_error(env, nullptr, "@ner/accelerate gloo: counts must be an array of one count per rank");
    return false;
  }
  out->resize(length);
  for (uint32_t i = 0; i < length; i++) {
    napi_value element;
    int64_t count = -1;
    if (napi_get_element(env, value, i, &element) != napi_ok ||
        napi_get_value_int64(env, element, &count) != napi_ok || count < 0) {
      napi_throw_range_error(env, nullptr, "@ner/accelerate gloo: counts must be non-negative integers");
      return false;
    }
    (*out)[i] = static_cast<size_t>(count);
  }
  return true;
}

bool getOp(napi_env env, napi_value value, ReduceOp* out) {
  int32_t code = -1;
  if (napi_get_value_int32(env, value, &code) != napi_ok || code < 0 || code > 3) {
    napi_throw_range_error(env, nullptr, "@ner/accelerate gloo: unknown reduce op");
    return false;
  }
  *out = static_cast<ReduceOp>(code);
  return true;
}

void finalizeHandle(napi_env /*env*/, void* data, void* /*hint*/) { delete static_cast<Handle*>(data); }

// A new job holding references to `values` (the arrays its pool thread reads and writes), or
// null with a pending exception.
AsyncJob* newJobKeeping(napi_env env, std::initializer_list<napi_value> values) {
  auto* job = new AsyncJob();
  for (napi_value value : values) {
    if (!keepAlive(env, job, value)) {
      for (napi_ref ref : job->keepAlive) napi_delete_reference(env, ref);
      delete job;
      napi_throw_error(env, nullptr, "@ner/accelerate gloo: could not reference the array");
      return nullptr;
    }
  }
  return job;
}

// Queues `run(group, tag)` on the pool, keeping `arrays` (the memory it reads and writes) alive
// until it ends. The tag is the group's next one: every rank issues the same sequence.
napi_value queueCollective(napi_env env, Handle* handle, std::initializer_list<napi_value> arrays,
                           const char* name, std::function<void(const Group&, uint32_t)> run) {
  auto* job = newJobKeeping(env, arrays);
  if (job == nullptr) return nullptr;
  Group group = handle->group;
  uint32_t tag = handle->nextTag++;
  job->execute = [group, tag, run = std::move(run)]() { run(group, tag); };
  return queueJob(env, job, name);
}

// Throws a RangeError with `message` when `bad`; returns `bad`.
bool rangeErrorIf(napi_env env, bool bad, const char* message) {
  if (bad) napi_throw_range_error(env, nullptr, message);
  return bad;
}

// Reads the `argc` arguments of a one-array collective, (handle, array, ...): the handle, or null
// with a pending exception.
Handle* getArrayArgs(napi_env env, napi_callback_info info, size_t argc, napi_value* argv, ArrayView* data) {
  if (!getArgs(env, info, argc, argv)) return nullptr;
  Handle* handle = getHandle(env, argv[0]);
  return handle != nullptr && getArray(env, argv[1], data) ? handle : nullptr;
}

// The arguments of a v-collective: (handle, input, output, counts, ...).
struct VCall {
  Handle* handle = nullptr;
  ArrayView input, output;
  std::vector<size_t> counts;
};

// Reads a v-collective's `argc` arguments and checks that the arrays match the counts (one per
// rank): a gather takes this rank's block and fills all of them, a reduce-scatter (numbers
// only) the reverse. False, with a pending exception naming `name`, otherwise.
bool readVCall(napi_env env, napi_callback_info info, size_t argc, napi_value* argv, bool gathers,
               const char* name, VCall* call) {
  call->handle = getArrayArgs(env, info, argc, argv, &call->input);
  if (call->handle == nullptr || !getArray(env, argv[2], &call->output) ||
      !getCounts(env, argv[3], call->handle->group.context->size, &call->counts)) {
    return false;
  }
  const size_t total = std::accumulate(call->counts.begin(), call->counts.end(), size_t{0});
  const size_t block = call->counts[call->handle->group.context->rank];
  const ArrayView& all = gathers ? call->output : call->input;
  const ArrayView& mine = gathers ? call->input : call->output;
  const std::string message = std::string("@ner/accelerate gloo: ") + name + " input/output do not match counts";
  return !rangeErrorIf(env,
                       call->input.dtype != call->output.dtype || (!gathers && call->input.dtype == DType::Uint8) ||
                           mine.length != block || all.length != total,
                       message.c_str());
}

// connect({rank, size, storeHost, storePort, secret, prefix, timeoutMs, hostname, iface})
napi_value Connect(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!getArgs(env, info, 1, argv)) return nullptr;
  int64_t rank, size, port, timeoutMs;
  StoreOptions store;
  std::string hostname, iface;
  if (!getNamedInt(env, argv[0], "rank", &rank) || !getNamedInt(env, argv[0], "size", &size) ||
      !getNamedInt(env, argv[0], "storePort", &port) || !getNamedInt(env, argv[0], "timeoutMs", &timeoutMs) ||
      !getNamedString(env, argv[0], "storeHost", &store.host) ||
      !getNamedString(env, argv[0], "secret", &store.secret) ||
      !getNamedString(env, argv[0], "prefix", &store.prefix) ||
      !getNamedString(env, argv[0], "hostname", &hostname) || !getNamedString(env, argv[0], "iface", &iface)) {
    return nullptr;
  }
  if (size < 1 || rank < 0 || rank >= size || timeoutMs < 1 || port < 1 || port > 65535) {
    napi_throw_range_error(env, nullptr, "@ner/accelerate gloo: bad rank, size, port or timeout");
    return nullptr;
  }
  store.port = static_cast<int>(port);
  store.timeout = std::chrono::milliseconds(timeoutMs);

  auto* job = new AsyncJob();
  auto result = std::make_shared<Group>();
  job->execute = [=]() {
    gloo::transport::tcp::attr attr;
    if (!iface.empty()) attr.iface = iface;
    else attr.hostname = hostname;
    auto device = gloo::transport::tcp::CreateDevice(attr);
    auto context = std::make_shared<gloo::rendezvous::Context>(static_cast<int>(rank), static_cast<int>(size));
    context->setTimeout(std::chrono::milliseconds(timeoutMs));
    StoreClient client(store);
    context->connectFullMesh(client, device);
    // Gloo stays connected for multi-host groups; on one host the shared-memory path takes the
    // collectives it has (decided by every rank alike, through the store).
    result->shm = ShmGroup::establish(client, static_cast<int>(rank), static_cast<int>(size),
                                      std::chrono::milliseconds(timeoutMs));
    result->context = context;
  };
  job->resolveWith = [result](napi_env env) -> napi_value {
    auto* handle = new Handle();
    handle->group = std::move(*result);
    napi_value external;
    if (napi_create_external(env, handle, finalizeHandle, nullptr, &external) != napi_ok) {
      delete handle;
      return nullptr;
    }
    return external;
  };
  return queueJob(env, job, "ner_gloo.connect");
}

napi_value AllReduce(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  ArrayView data;
  ReduceOp op;
  Handle* handle = getArrayArgs(env, info, 3, argv, &data);
  if (handle == nullptr || !getOp(env, argv[2], &op)) return nullptr;
  if (data.dtype == DType::Uint8) {
    napi_throw_type_error(env, nullptr, "@ner/accelerate gloo: allReduce takes Float32Array, Float64Array or Int32Array");
    return nullptr;
  }
  auto reduce = [=](const Group& group, uint32_t tag) { allReduce(group, tag, data.data, data.length, data.dtype, op); };
  return queueCollective(env, handle, {argv[1]}, "ner_gloo.allReduce", reduce);
}

napi_value AllGatherV(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  VCall call;
  if (!readVCall(env, info, 4, argv, true, "allGatherV", &call)) return nullptr;
  return queueCollective(env, call.handle, {argv[1], argv[2]}, "ner_gloo.allGatherV",
                         [call](const Group& group, uint32_t tag) {
                           allGatherV(group, tag, call.input.data, call.output.data, call.counts, call.input.dtype);
                         });
}

napi_value Broadcast(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  ArrayView data;
  int32_t root = -1;
  Handle* handle = getArrayArgs(env, info, 3, argv, &data);
  if (handle == nullptr ||
      rangeErrorIf(env,
                   napi_get_value_int32(env, argv[2], &root) != napi_ok || root < 0 ||
                       root >= handle->group.context->size,
                   "@ner/accelerate gloo: broadcast root out of range")) {
    return nullptr;
  }
  return queueCollective(env, handle, {argv[1]}, "ner_gloo.broadcast", [=](const Group& group, uint32_t tag) {
    broadcast(group, tag, data.data, data.length, data.dtype, root);
  });
}

napi_value ReduceScatter(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  VCall call;
  ReduceOp op;
  if (!readVCall(env, info, 5, argv, false, "reduceScatter", &call) || !getOp(env, argv[4], &op)) return nullptr;
  return queueCollective(env, call.handle, {argv[1], argv[2]}, "ner_gloo.reduceScatter",
                         [call, op](const Group& group, uint32_t tag) {
                           reduceScatter(group, tag, call.input.data, call.output.data, call.counts,
                                         call.input.dtype, op);
                         });
}

napi_value Barrier(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!getArgs(env, info, 1, argv)) return nullptr;
  Handle* handle = getHandle(env, argv[0]);
  if (handle == nullptr) return nullptr;
  return queueCollective(env, handle, {}, "ner_gloo.barrier",
                         [](const Group& group, uint32_t tag) { barrier(group, tag); });
}

// transport(handle): 'shm' when the collectives go through shared memory, else 'tcp' (gloo).
napi_value Transport(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!getArgs(env, info, 1, argv)) return nullptr;
  Handle* handle = getHandle(env, argv[0]);
  if (handle == nullptr) return nullptr;
  const char* name = handle->group.shm ? "shm" : "tcp";
  napi_value value;
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &value);
  return value;
}

// Drops the context on a pool thread: closing pairs and joining the device's loop thread may
// block briefly, and the main thread should not.
napi_value Close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!getArgs(env, info, 1, argv)) return nullptr;
  void* data = nullptr;
  if (napi_get_value_external(env, argv[0], &data) != napi_ok || data == nullptr) {
    napi_throw_type_error(env, nullptr, "@ner/accelerate gloo: not a gloo context");
    return nullptr;
  }
  auto* handle = static_cast<Handle*>(data);
  auto group = std::make_shared<Group>(std::move(handle->group));
  handle->group = Group();
  auto* job = new AsyncJob();
  job->execute = [group]() {
    group->shm.reset();
    group->context.reset();
  };
  return queueJob(env, job, "ner_gloo.close");
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"connect", nullptr, Connect, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"allReduce", nullptr, AllReduce, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"allGatherV", nullptr, AllGatherV, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"broadcast", nullptr, Broadcast, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reduceScatter", nullptr, ReduceScatter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"barrier", nullptr, Barrier, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"transport", nullptr, Transport, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"close", nullptr, Close, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  napi_value version;
  std::string text = std::to_string(GLOO_VERSION_MAJOR) + "." + std::to_string(GLOO_VERSION_MINOR) + "." +
                     std::to_string(GLOO_VERSION_PATCH);
  napi_create_string_utf8(env, text.c_str(), text.size(), &version);
  napi_set_named_property(env, exports, "glooVersion", version);
  return exports;
}

}  // namespace
}  // namespace ner_gloo

NAPI_MODULE(NODE_GYP_MODULE_NAME, ner_gloo::Init)
