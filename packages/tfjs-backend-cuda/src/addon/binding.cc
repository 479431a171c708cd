// N-API glue (node_api.h only, NAPI_VERSION 8): `openDevice(options)` returns a device object
// whose methods call Device (device.h), or `{reason, noDriver}` saying why there is none.
// Pointers travel as BigInt; launch arguments and GEMM descriptors arrive packed in typed arrays
// by src/addon.ts, which also validates them against KERNEL_ABI.
#include <node_api.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "device.h"
#include "napi_util.h"

using ner::cuda::CudaError;
using ner::cuda::Device;
using ner::cuda::GemmArgs;
using ner::cuda::KernelDecl;
using ner::cuda::KernelSources;
using ner::cuda::ParamKind;
using ner::cuda::PendingDownload;

namespace {

using namespace ner::napi;  // NOLINT: the glue reads as plain N-API calls

napi_value Malloc(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info, 1, "malloc");
    return makePtr(env, c.handle->device->malloc(getSize(env, c.argv[0], "malloc(bytes)")));
  });
}

napi_value Free(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info, 1, "free");
    c.handle->device->free(getPtr(env, c.argv[0], "free(ptr)"));
    return undefinedValue(env);
  });
}

napi_value Upload(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info, 2, "upload");
    const HostView view = viewOf(env, c.argv[1], "upload(src)");
    c.handle->device->upload(getPtr(env, c.argv[0], "upload(dst)"), view.data, view.bytes);
    return undefinedValue(env);
  });
}

napi_value Download(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info, 2, "download");
    const HostView view = viewOf(env, c.argv[0], "download(dst)");
    c.handle->device->download(view.data, getPtr(env, c.argv[1], "download(src)"), view.bytes);
    return undefinedValue(env);
  });
}

/** One downloadAsync in flight: the staged copy, the JS buffer it lands in, the promise. */
struct AsyncDownload {
  std::shared_ptr<Device> device;
  PendingDownload pending;
  void *dst;
  napi_ref dstRef;
  napi_deferred deferred;
  napi_async_work work;
  std::string error;
};

void ExecuteDownload(napi_env, void *data) {
  auto *job = static_cast<AsyncDownload *>(data);
  try {
    job->device->finishDownload(job->pending, job->dst);
  } catch (const std::exception &e) {
    job->error = e.what();
  }
}

void CompleteDownload(napi_env env, napi_status status, void *data) {
  auto *job = static_cast<AsyncDownload *>(data);
  job->device->releaseDownload(job->pending);
  if (status != napi_ok && job->error.empty()) job->error = "downloadAsync was cancelled";
  settleDeferred(env, job->deferred, job->error, nullptr);
  napi_delete_reference(env, job->dstRef);
  napi_delete_async_work(env, job->work);
  delete job;
}

napi_value DownloadAsync(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info, 2, "downloadAsync");
    const HostView view = viewOf(env, c.argv[0], "downloadAsync(dst)");
    const uint64_t src = getPtr(env, c.argv[1], "downloadAsync(src)");
    auto *job = new AsyncDownload{c.handle->device, {}, view.data, nullptr, nullptr, nullptr, {}};
    try {
      job->pending = c.handle->device->beginDownload(src, view.bytes);
    } catch (...) {
      delete job;
      throw;
    }
    napi_value promise, name;
    ok(env, napi_create_reference(env, c.argv[0], 1, &job->dstRef), "downloadAsync");
    ok(env, napi_create_promise(env, &job->deferred, &promise), "downloadAsync");
    napi_create_string_utf8(env, "ner_cuda_download", NAPI_AUTO_LENGTH, &name);
    ok(env, napi_create_async_work(env, nullptr, name, ExecuteDownload, CompleteDownload, job, &job->work),
       "downloadAsync");
    ok(env, napi_queue_async_work(env, job->work), "downloadAsync");
    return promise;
  });
}

napi_value Copy(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info, 3, "copy");
    c.handle->device->copy(getPtr(env, c.argv[0], "copy(dst)"), getPtr(env, c.argv[1], "copy(src)"),
                           getSize(env, c.argv[2], "copy(bytes)"));
    return undefinedValue(env);
  });
}

napi_value Fill32(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info, 3, "fill32");
    uint32_t value = 0;
    ok(env, napi_get_value_uint32(env, c.argv[1], &value), "fill32(value)");
    c.handle->device->fill32(getPtr(env, c.argv[0], "fill32(dst)"), value, getSize(env, c.argv[2], "fill32(count)"));
    return undefinedValue(env);
  });
}

// launch(kernelId, geometry: Uint32Array(7) [gx, gy, gz, bx, by, bz, sharedBytes], args: Uint8Array)
napi_value Launch(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info, 3, "launch");
    const size_t id = getSize(env, c.argv[0], "launch(kernel)");
    void *geo = nullptr, *args = nullptr;
    size_t geoBytes = 0, argBytes = 0;
    getView(env, c.argv[1], &geo, &geoBytes, "launch(geometry)");
    getView(env, c.argv[2], &args, &argBytes, "launch(args)");
    if (geoBytes != 7 * sizeof(unsigned)) throw ArgError("launch(geometry): expected a Uint32Array of 7");
    std::array<unsigned, 7> g;
    std::memcpy(g.data(), geo, sizeof g);
    c.handle->device->launch(id, g, static_cast<const uint8_t *>(args), argBytes);
    return undefinedValue(env);
  });
}

// gemm(pointers: BigUint64Array(4) [a, b, c, bias or 0], numbers: Float64Array(17)
//   [m, n, k, transA, transB, lda, ldb, ldc, batch, strideA, strideB, strideC, alpha, beta, relu, tf32, bf16])
napi_value Gemm(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info, 2, "gemm");
    void *p = nullptr, *q = nullptr;
    size_t pBytes = 0, qBytes = 0;
    getView(env, c.argv[0], &p, &pBytes, "gemm(pointers)");
    getView(env, c.argv[1], &q, &qBytes, "gemm(numbers)");
    if (pBytes != 4 * 8 || qBytes != 17 * 8) throw ArgError("gemm: expected BigUint64Array(4) and Float64Array(17)");
    uint64_t ptrs[4];
    double nums[17];
    std::memcpy(ptrs, p, sizeof ptrs);
    std::memcpy(nums, q, sizeof nums);
    GemmArgs g{};
    g.a = ptrs[0];
    g.b = ptrs[1];
    g.c = ptrs[2];
    g.bias = ptrs[3];
    g.m = static_cast<int64_t>(nums[0]);
    g.n = static_cast<int64_t>(nums[1]);
    g.k = static_cast<int64_t>(nums[2]);
    g.transA = nums[3] != 0;
    g.transB = nums[4] != 0;
    g.lda = static_cast<int64_t>(nums[5]);
    g.ldb = static_cast<int64_t>(nums[6]);
    g.ldc = static_cast<int64_t>(nums[7]);
    g.batch = static_cast<int64_t>(nums[8]);
    g.strideA = static_cast<int64_t>(nums[9]);
    g.strideB = static_cast<int64_t>(nums[10]);
    g.strideC = static_cast<int64_t>(nums[11]);
    g.alpha = static_cast<float>(nums[12]);
    g.beta = static_cast<float>(nums[13]);
    g.relu = nums[14] != 0;
    g.tf32 = nums[15] != 0;
    g.bf16 = nums[16] != 0;
    c.handle->device->gemm(g);
    return undefinedValue(env);
  });
}

napi_value Synchronize(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info);
    c.handle->device->synchronize();
    return undefinedValue(env);
  });
}

// startTimer() -> id, stopTimer(id), readTimer(id) -> GPU milliseconds (device_events.cc).
napi_value StartTimer(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info);
    napi_value id;
    napi_create_double(env, static_cast<double>(c.handle->device->startTimer()), &id);
    return id;
  });
}

int64_t timerId(napi_env env, napi_value value, const char *what) {
  const double id = getNumber(env, value, what);
  if (!(id >= 1 && id <= 9007199254740991.0) || id != static_cast<double>(static_cast<int64_t>(id))) {
    throw ArgError(std::string(what) + ": expected a timer id from startTimer");
  }
  return static_cast<int64_t>(id);
}

napi_value StopTimer(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info, 1, "stopTimer");
    c.handle->device->stopTimer(timerId(env, c.argv[0], "stopTimer(id)"));
    return undefinedValue(env);
  });
}

napi_value ReadTimer(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info, 1, "readTimer");
    napi_value ms;
    napi_create_double(env, c.handle->device->readTimer(timerId(env, c.argv[0], "readTimer(id)")), &ms);
    return ms;
  });
}

napi_value MemGetInfo(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info);
    const auto m = c.handle->device->memGetInfo();
    napi_value arr, f, t;
    napi_create_array_with_length(env, 2, &arr);
    napi_create_double(env, static_cast<double>(m.first), &f);
    napi_create_double(env, static_cast<double>(m.second), &t);
    napi_set_element(env, arr, 0, f);
    napi_set_element(env, arr, 1, t);
    return arr;
  });
}

napi_value Info(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    CallInfo c = callInfo(env, info);
    const auto &i = c.handle->device->info();
    napi_value obj, libs;
    napi_create_object(env, &obj);
    napi_create_object(env, &libs);
    setString(env, obj, "name", i.name);
    setNumber(env, obj, "ordinal", i.ordinal);
    setString(env, obj, "ordinalFrom", i.ordinalFrom);
    setNumber(env, obj, "major", i.major);
    setNumber(env, obj, "minor", i.minor);
    setNumber(env, obj, "totalMemoryBytes", static_cast<double>(i.totalMemory));
    setNumber(env, obj, "driverVersion", i.driverVersion);
    setNumber(env, obj, "multiprocessors", i.multiprocessors);
    setString(env, obj, "kernelSource", i.kernelSource);
    for (const auto &lib : i.libraries) setString(env, libs, lib.first.c_str(), lib.second);
    napi_set_named_property(env, obj, "libraries", libs);
    return obj;
  });
}

napi_value Close(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    size_t argc = 0;
    void *data = nullptr;
    ok(env, napi_get_cb_info(env, info, &argc, nullptr, nullptr, &data), "close");
    auto *handle = static_cast<DeviceHandle *>(data);
    if (handle && handle->device) {
      handle->device->close();
      handle->device.reset();
    }
    return undefinedValue(env);
  });
}

void FinalizeDevice(napi_env, void *data, void *) { delete static_cast<DeviceHandle *>(data); }

ParamKind parseKind(const std::string &s, const std::string &kernel) {
  if (s == "ptr") return ParamKind::Ptr;
  if (s == "i32") return ParamKind::I32;
  if (s == "u32") return ParamKind::U32;
  if (s == "f32") return ParamKind::F32;
  if (s == "dims") return ParamKind::Dims;
  throw ArgError("kernel " + kernel + ": unknown parameter kind '" + s + "'");
}

// The one options object that nvrtcCompile and openDevice take; `fn` names the call in the error.
napi_value optionsArg(napi_env env, napi_callback_info info, const char *fn) {
  size_t argc = 1;
  napi_value opts;
  ok(env, napi_get_cb_info(env, info, &argc, &opts, nullptr, nullptr), fn);
  if (argc < 1) throw ArgError(std::string(fn) + ": expected an options object");
  return opts;
}

KernelSources getSources(napi_env env, napi_value opts) {
  KernelSources sources;
  sources.cacheDir = getString(env, getProp(env, opts, "cacheDir"), "cacheDir");
  sources.sourceHash = getString(env, getProp(env, opts, "sourceHash"), "sourceHash");
  sources.unitySource = getString(env, getProp(env, opts, "unitySource"), "unitySource");
  sources.fileNames = getStringArray(env, getProp(env, opts, "fileNames"), "fileNames");
  sources.fileContents = getStringArray(env, getProp(env, opts, "fileContents"), "fileContents");
  if (sources.fileNames.size() != sources.fileContents.size()) throw ArgError("fileNames / fileContents differ");
  return sources;
}

// nvrtcCompile({arch, cacheDir, sourceHash, unitySource, fileNames, fileContents})
//   -> {library, cubinBytes}; compiles the kernels without a GPU (tests, and a check of the NVRTC path).
napi_value NvrtcCompile(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    const napi_value opts = optionsArg(env, info, "nvrtcCompile");
    const int arch = static_cast<int>(getNumber(env, getProp(env, opts, "arch"), "arch"));
    const KernelSources sources = getSources(env, opts);
    std::vector<char> cubin;
    const std::string library = ner::cuda::compileKernelsWithNvrtc(arch, 0, sources, cubin);
    napi_value obj;
    napi_create_object(env, &obj);
    setString(env, obj, "library", library);
    setNumber(env, obj, "cubinBytes", static_cast<double>(cubin.size()));
    return obj;
  });
}

// openDevice({ordinal (-1: choose), localRank? (-1 or absent: none), fatbinPath, forceNvrtc, cacheDir, sourceHash, unitySource, fileNames,
//   fileContents, kernelNames, kernelParams: string[][]}) -> device object | {reason, noDriver}
napi_value OpenDevice(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    const napi_value opts = optionsArg(env, info, "openDevice");
    const int ordinal = static_cast<int>(getNumber(env, getProp(env, opts, "ordinal"), "ordinal"));
    const napi_value localRankValue = getProp(env, opts, "localRank");
    napi_valuetype localRankType;
    ok(env, napi_typeof(env, localRankValue, &localRankType), "localRank");
    const int localRank =
        localRankType == napi_undefined ? -1 : static_cast<int>(getNumber(env, localRankValue, "localRank"));
    KernelSources sources = getSources(env, opts);
    sources.fatbinPath = getString(env, getProp(env, opts, "fatbinPath"), "fatbinPath");
    bool force = false;
    ok(env, napi_get_value_bool(env, getProp(env, opts, "forceNvrtc"), &force), "forceNvrtc");
    sources.forceNvrtc = force;
    const auto names = getStringArray(env, getProp(env, opts, "kernelNames"), "kernelNames");
    napi_value paramsArr = getProp(env, opts, "kernelParams");
    std::vector<KernelDecl> kernels;
    for (uint32_t i = 0; i < names.size(); i++) {
      napi_value p;
      ok(env, napi_get_element(env, paramsArr, i, &p), "kernelParams");
      KernelDecl decl{names[i], {}};
      for (const auto &kind : getStringArray(env, p, "kernelParams")) decl.params.push_back(parseKind(kind, names[i]));
      kernels.push_back(std::move(decl));
    }

    std::string whyNot;
    bool noDriver = false;
    std::unique_ptr<Device> device = Device::open(ordinal, localRank, kernels, sources, whyNot, noDriver);
    if (!device) {
      napi_value unavailable, reason, driverMissing;
      napi_create_object(env, &unavailable);
      napi_create_string_utf8(env, whyNot.c_str(), whyNot.size(), &reason);
      napi_get_boolean(env, noDriver, &driverMissing);
      napi_set_named_property(env, unavailable, "reason", reason);
      napi_set_named_property(env, unavailable, "noDriver", driverMissing);
      return unavailable;
    }
    auto *handle = new DeviceHandle{std::shared_ptr<Device>(std::move(device))};
    napi_value obj;
    napi_create_object(env, &obj);
    defineMethods(env, obj, handle,
                  {{"malloc", Malloc}, {"free", Free}, {"upload", Upload}, {"download", Download},
                   {"downloadAsync", DownloadAsync}, {"copy", Copy}, {"fill32", Fill32}, {"launch", Launch},
                   {"gemm", Gemm}, {"synchronize", Synchronize}, {"memGetInfo", MemGetInfo}, {"info", Info},
                   {"close", Close}, {"ncclInit", NcclInit}, {"startTimer", StartTimer},
                   {"stopTimer", StopTimer}, {"readTimer", ReadTimer}});
    // The handle lives as long as the object; its finalizer closes the device if close() was not called.
    ok(env, napi_wrap(env, obj, handle, FinalizeDevice, nullptr, nullptr), "wrap");
    return obj;
  });
}

napi_value Init(napi_env env, napi_value exports) {
  defineMethods(env, exports, nullptr, {{"openDevice", OpenDevice}, {"nvrtcCompile", NvrtcCompile}});
  registerNcclExports(env, exports);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
