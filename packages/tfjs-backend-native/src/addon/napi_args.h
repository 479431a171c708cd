// Reading a call's arguments, for every N-API function of the addon (binding.cc,
// inference_binding.cc): typed arrays in place (their data and length, or checked against the
// length the call needs), numbers, booleans, nulls. A wrong argument throws ner::ArgError naming
// the function and the argument; guarded() turns it into a JS error with code NER_NATIVE.
#pragma once

#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ner {

struct ArgError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A typed array's memory, read or written in place (the JS side owns it).
template <typename T>
struct ArrayArg {
  T *data;
  size_t size;
};

class Args {
 public:
  Args(napi_env env, napi_callback_info info, size_t expected, const char *fn) : env_(env), fn_(fn) {
    size_t argc = expected;
    values_.resize(expected);
    napi_get_cb_info(env, info, &argc, values_.data(), nullptr, nullptr);
    if (argc < expected) fail("expected " + std::to_string(expected) + " arguments");
  }

  [[noreturn]] void fail(const std::string &what) const { throw ArgError(std::string(fn_) + ": " + what); }
  void need(bool ok, const char *what) const {
    if (!ok) fail(what);
  }
  napi_value value(size_t i) const { return values_[i]; }

  ArrayArg<float> f32(size_t i) const { return typed<float>(i, napi_float32_array, napi_float32_array); }
  ArrayArg<int32_t> i32(size_t i) const { return typed<int32_t>(i, napi_int32_array, napi_int32_array); }
  ArrayArg<uint8_t> u8(size_t i) const { return typed<uint8_t>(i, napi_uint8_array, napi_uint8_array); }
  ArrayArg<uint16_t> u16(size_t i) const { return typed<uint16_t>(i, napi_uint16_array, napi_uint16_array); }
  // Any 4-byte element array (float32 or int32), for data movement kernels.
  ArrayArg<uint32_t> u32(size_t i) const { return typed<uint32_t>(i, napi_float32_array, napi_int32_array); }

  // A float32 array of exactly `want` elements.
  float *f32(size_t i, size_t want) const { return sized(f32(i), i, want); }
  // The same, or nullptr for a null or undefined argument.
  const float *f32OrNull(size_t i, size_t want) const { return isNull(i) ? nullptr : f32(i, want); }
  uint16_t *u16(size_t i, size_t want) const { return sized(u16(i), i, want); }

  // An int32 array's values, widened (shapes, strides, offsets).
  std::vector<int64_t> ints(size_t i) const {
    ArrayArg<int32_t> a = i32(i);
    return std::vector<int64_t>(a.data, a.data + a.size);
  }
  bool isNull(size_t i) const {
    napi_valuetype type;
    napi_typeof(env_, values_[i], &type);
    return type == napi_null || type == napi_undefined;
  }
  int64_t integer(size_t i) const {
    int64_t v = 0;
    if (napi_get_value_int64(env_, values_[i], &v) != napi_ok) failAt(i, "must be a number");
    return v;
  }
  // A size for a kernel's int loops: 1 to 2^30.
  int positive(size_t i) const {
    const int64_t v = integer(i);
    if (v <= 0 || v > (int64_t{1} << 30)) failAt(i, "must be a positive size");
    return static_cast<int>(v);
  }
  double number(size_t i) const {
    double v = 0;
    if (napi_get_value_double(env_, values_[i], &v) != napi_ok) failAt(i, "must be a number");
    return v;
  }
  bool boolean(size_t i) const {
    bool v = false;
    if (napi_get_value_bool(env_, values_[i], &v) != napi_ok) failAt(i, "must be a boolean");
    return v;
  }

 private:
  [[noreturn]] void failAt(size_t i, const char *what) const {
    fail("argument " + std::to_string(i) + " " + what);
  }

  template <typename T>
  ArrayArg<T> typed(size_t i, napi_typedarray_type want1, napi_typedarray_type want2) const {
    bool isTyped = false;
    napi_is_typedarray(env_, values_[i], &isTyped);
    if (!isTyped) failAt(i, "must be a typed array");
    napi_typedarray_type type;
    ArrayArg<T> out{nullptr, 0};
    void *data = nullptr;
    napi_value buffer;
    size_t offset = 0;
    napi_get_typedarray_info(env_, values_[i], &type, &out.size, &data, &buffer, &offset);
    if (type != want1 && type != want2) failAt(i, "has the wrong typed-array type");
    out.data = static_cast<T *>(data);
    return out;
  }

  template <typename T>
  T *sized(ArrayArg<T> a, size_t i, size_t want) const {
    if (a.size != want) {
      fail("argument " + std::to_string(i) + " has " + std::to_string(a.size) + " elements, expected " +
           std::to_string(want));
    }
    return a.data;
  }

  napi_env env_;
  const char *fn_;
  std::vector<napi_value> values_;
};

// Runs a function's body, turning any exception into a JS error (code NER_NATIVE): nothing may
// unwind through N-API.
template <typename F>
napi_value guarded(napi_env env, F &&body) {
  try {
    return body();
  } catch (const std::exception &e) {
    napi_throw_error(env, "NER_NATIVE", e.what());
    return nullptr;
  }
}

inline napi_value jsInt(napi_env env, int64_t v) {
  napi_value out;
  napi_create_int64(env, v, &out);
  return out;
}

inline napi_value jsBool(napi_env env, bool v) {
  napi_value out;
  napi_get_boolean(env, v, &out);
  return out;
}

inline napi_value jsString(napi_env env, const char *s) {
  napi_value out;
  napi_create_string_utf8(env, s ? s : "", NAPI_AUTO_LENGTH, &out);
  return out;
}

struct Export {
  const char *name;
  napi_callback fn;
};

// Adds each function to `exports` under its name.
template <size_t N>
void exportFunctions(napi_env env, napi_value exports, const Export (&functions)[N]) {
  for (const Export &e : functions) {
    napi_value fn;
    napi_create_function(env, e.name, NAPI_AUTO_LENGTH, e.fn, nullptr, &fn);
    napi_set_named_property(env, exports, e.name, fn);
  }
}

}  // namespace ner
