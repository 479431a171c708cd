// Helpers shared by the N-API glue files (binding.cc, nccl_binding.cc): argument readers that
// throw ArgError (a TypeError in JS), value makers, the device handle every method is bound to,
// and `guarded`, which turns C++ exceptions into JS exceptions.
#pragma once

#include <node_api.h>

#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "device.h"

namespace ner::napi {

using ner::cuda::CudaError;
using ner::cuda::Device;

/** Thrown inside a method to report a bad JS argument; turned into a TypeError. */
struct ArgError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline void ok(napi_env env, napi_status status, const char *what) {
  if (status != napi_ok) {
    const napi_extended_error_info *info = nullptr;
    napi_get_last_error_info(env, &info);
    throw ArgError(std::string(what) + (info && info->error_message ? ": " + std::string(info->error_message) : ""));
  }
}

inline std::string getString(napi_env env, napi_value v, const char *what) {
  size_t len = 0;
  ok(env, napi_get_value_string_utf8(env, v, nullptr, 0, &len), what);
  std::string s(len, '\0');
  ok(env, napi_get_value_string_utf8(env, v, &s[0], len + 1, &len), what);
  return s;
}

inline napi_value getProp(napi_env env, napi_value obj, const char *name) {
  napi_value v;
  ok(env, napi_get_named_property(env, obj, name, &v), name);
  return v;
}

inline std::vector<std::string> getStringArray(napi_env env, napi_value arr, const char *what) {
  uint32_t n = 0;
  ok(env, napi_get_array_length(env, arr, &n), what);
  std::vector<std::string> out;
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    ok(env, napi_get_element(env, arr, i, &item), what);
    out.push_back(getString(env, item, what));
  }
  return out;
}

inline uint64_t getPtr(napi_env env, napi_value v, const char *what) {
  uint64_t p = 0;
  bool lossless = false;
  if (napi_get_value_bigint_uint64(env, v, &p, &lossless) != napi_ok || !lossless) {
    throw ArgError(std::string(what) + ": expected a device pointer (a non-negative BigInt)");
  }
  return p;
}

inline double getNumber(napi_env env, napi_value v, const char *what) {
  double d = 0;
  if (napi_get_value_double(env, v, &d) != napi_ok) throw ArgError(std::string(what) + ": expected a number");
  return d;
}

inline size_t getSize(napi_env env, napi_value v, const char *what) {
  const double d = getNumber(env, v, what);
  if (!(d >= 0) || d > 9007199254740991.0 || d != static_cast<double>(static_cast<uint64_t>(d))) {
    throw ArgError(std::string(what) + ": expected a non-negative integer");
  }
  return static_cast<size_t>(d);
}

/** The bytes of an ArrayBufferView (typed array, Buffer or DataView). */
inline void getView(napi_env env, napi_value v, void **data, size_t *bytes, const char *what) {
  bool isTyped = false, isDataView = false;
  napi_is_typedarray(env, v, &isTyped);
  if (isTyped) {
    napi_typedarray_type type;
    size_t length = 0, offset = 0;
    napi_value buffer;
    ok(env, napi_get_typedarray_info(env, v, &type, &length, data, &buffer, &offset), what);
    size_t element = 1;
    switch (type) {
      case napi_int16_array: case napi_uint16_array: element = 2; break;
      case napi_int32_array: case napi_uint32_array: case napi_float32_array: element = 4; break;
      case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: element = 8; break;
      default: element = 1;
    }
    *bytes = length * element;
    return;
  }
  napi_is_dataview(env, v, &isDataView);
  if (isDataView) {
    napi_value buffer;
    size_t offset = 0;
    ok(env, napi_get_dataview_info(env, v, bytes, data, &buffer, &offset), what);
    return;
  }
  throw ArgError(std::string(what) + ": expected an ArrayBufferView");
}

/** An ArrayBufferView's bytes, as getView reads them. */
struct HostView {
  void *data = nullptr;
  size_t bytes = 0;
};

inline HostView viewOf(napi_env env, napi_value v, const char *what) {
  HostView view;
  getView(env, v, &view.data, &view.bytes, what);
  return view;
}

inline napi_value makePtr(napi_env env, uint64_t p) {
  napi_value v;
  napi_create_bigint_uint64(env, p, &v);
  return v;
}

inline napi_value undefinedValue(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

/** Per-object state: the device, shared by all its methods; freed with the JS object. */
struct DeviceHandle {
  // Shared with downloads in flight, so closing the device never frees it under a worker thread.
  std::shared_ptr<Device> device;
};

struct CallInfo {
  DeviceHandle *handle;
  size_t argc;
  napi_value argv[8];
};

// A method's device and arguments; throws when the device is closed or `method` got fewer than `n`.
inline CallInfo callInfo(napi_env env, napi_callback_info info, size_t n = 0, const char *method = "") {
  CallInfo c{};
  c.argc = 8;
  void *data = nullptr;
  ok(env, napi_get_cb_info(env, info, &c.argc, c.argv, nullptr, &data), "arguments");
  c.handle = static_cast<DeviceHandle *>(data);
  if (!c.handle || !c.handle->device) throw CudaError("the CUDA device is closed");
  if (c.argc < n) throw ArgError(std::string(method) + ": expected " + std::to_string(n) + " arguments");
  return c;
}

/** Runs a method body, turning C++ exceptions into JS exceptions. */
template <typename Fn>
napi_value guarded(napi_env env, Fn fn) {
  try {
    return fn();
  } catch (const ArgError &e) {
    napi_throw_type_error(env, nullptr, e.what());
  } catch (const std::exception &e) {
    napi_throw_error(env, nullptr, e.what());
  }
  return nullptr;
}

/** A JS method: its name and the native function behind it. */
struct Method {
  const char *name;
  napi_callback fn;
};

/** Defines `methods` on `obj`, each called with `data` (the object's native state, or null). */
inline void defineMethods(napi_env env, napi_value obj, void *data, std::initializer_list<Method> methods) {
  for (const Method &m : methods) {
    napi_value fn;
    ok(env, napi_create_function(env, m.name, NAPI_AUTO_LENGTH, m.fn, data, &fn), m.name);
    ok(env, napi_set_named_property(env, obj, m.name, fn), m.name);
  }
}

/** Settles a promise: resolved with `value` when `error` is empty, else rejected with an Error of it. */
inline void settleDeferred(napi_env env, napi_deferred deferred, const std::string &error, napi_value value) {
  if (error.empty()) {
    napi_resolve_deferred(env, deferred, value ? value : undefinedValue(env));
    return;
  }
  napi_value message, jsError;
  napi_create_string_utf8(env, error.c_str(), error.size(), &message);
  napi_create_error(env, nullptr, message, &jsError);
  napi_reject_deferred(env, deferred, jsError);
}

inline napi_value setString(napi_env env, napi_value obj, const char *key, const std::string &value) {
  napi_value v;
  napi_create_string_utf8(env, value.c_str(), value.size(), &v);
  napi_set_named_property(env, obj, key, v);
  return v;
}

inline void setNumber(napi_env env, napi_value obj, const char *key, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  napi_set_named_property(env, obj, key, v);
}

}  // namespace ner::napi

namespace ner::napi {

// Implemented in nccl_binding.cc: the device's `ncclInit` method, and the module's
// `ncclStatus` / `ncclGetUniqueId` exports.
napi_value NcclInit(napi_env env, napi_callback_info info);
void registerNcclExports(napi_env env, napi_value exports);

}  // namespace ner::napi
