#include "device.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>

namespace ner::cuda {

size_t paramSlotBytes(ParamKind kind) { return kind == ParamKind::Dims ? 104 : 8; }

namespace {

constexpr size_t kWorkspaceBytes = 32u << 20;  // cuBLASLt workspace, allocated once

bool bindDriver(const Library &lib, DriverApi &d, std::string &missing) {
  NER_BIND(d, cuInit); NER_BIND(d, cuDriverGetVersion); NER_BIND(d, cuGetErrorName);
  NER_BIND(d, cuGetErrorString); NER_BIND(d, cuDeviceGetCount); NER_BIND(d, cuDeviceGet);
  NER_BIND(d, cuDeviceGetName); NER_BIND(d, cuDeviceGetAttribute); NER_BIND(d, cuDevicePrimaryCtxRetain);
  NER_BIND(d, cuCtxSetCurrent); NER_BIND(d, cuStreamCreate); NER_BIND(d, cuStreamSynchronize);
  NER_BIND(d, cuEventCreate); NER_BIND(d, cuEventRecord); NER_BIND(d, cuEventSynchronize);
  NER_BIND(d, cuMemFreeHost); NER_BIND(d, cuMemsetD32Async); NER_BIND(d, cuModuleLoadData);
  NER_BIND(d, cuModuleUnload); NER_BIND(d, cuModuleGetFunction); NER_BIND(d, cuLaunchKernel);
  // Entry points whose current version has a suffix (the unsuffixed names are the old ABI).
  NER_BIND_AS(d, cuDeviceTotalMem, "cuDeviceTotalMem_v2");
  NER_BIND_AS(d, cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2");
  NER_BIND_AS(d, cuStreamDestroy, "cuStreamDestroy_v2"); NER_BIND_AS(d, cuEventDestroy, "cuEventDestroy_v2");
  NER_BIND_AS(d, cuMemAlloc, "cuMemAlloc_v2"); NER_BIND_AS(d, cuMemFree, "cuMemFree_v2");
  NER_BIND_AS(d, cuMemAllocHost, "cuMemAllocHost_v2"); NER_BIND_AS(d, cuMemGetInfo, "cuMemGetInfo_v2");
  NER_BIND_AS(d, cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2");
  NER_BIND_AS(d, cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2");
  NER_BIND_AS(d, cuMemcpyDtoDAsync, "cuMemcpyDtoDAsync_v2");
  d.cuEventQuery = reinterpret_cast<decltype(d.cuEventQuery)>(findSymbol(lib, "cuEventQuery"));
  void *elapsed = findSymbol(lib, "cuEventElapsedTime_v2");
  if (!elapsed) elapsed = findSymbol(lib, "cuEventElapsedTime");
  d.cuEventElapsedTime = reinterpret_cast<decltype(d.cuEventElapsedTime)>(elapsed);
  return missing.empty();
}

bool bindCublasLt(const Library &lib, CublasLtApi &l, std::string &missing) {
  NER_BIND(l, cublasLtCreate); NER_BIND(l, cublasLtDestroy); NER_BIND(l, cublasLtGetVersion);
  NER_BIND(l, cublasLtMatmulDescCreate); NER_BIND(l, cublasLtMatmulDescDestroy);
  NER_BIND(l, cublasLtMatmulDescSetAttribute); NER_BIND(l, cublasLtMatrixLayoutCreate);
  NER_BIND(l, cublasLtMatrixLayoutDestroy); NER_BIND(l, cublasLtMatrixLayoutSetAttribute);
  NER_BIND(l, cublasLtMatmulPreferenceCreate); NER_BIND(l, cublasLtMatmulPreferenceDestroy);
  NER_BIND(l, cublasLtMatmulPreferenceSetAttribute); NER_BIND(l, cublasLtMatmulAlgoGetHeuristic);
  NER_BIND(l, cublasLtMatmul);
  return missing.empty();
}

bool bindNvrtc(const Library &lib, NvrtcApi &r, std::string &missing) {
  NER_BIND(r, nvrtcVersion); NER_BIND(r, nvrtcGetErrorString); NER_BIND(r, nvrtcGetNumSupportedArchs);
  NER_BIND(r, nvrtcGetSupportedArchs); NER_BIND(r, nvrtcCreateProgram); NER_BIND(r, nvrtcDestroyProgram);
  NER_BIND(r, nvrtcCompileProgram); NER_BIND(r, nvrtcGetProgramLogSize); NER_BIND(r, nvrtcGetProgramLog);
  NER_BIND(r, nvrtcGetCUBINSize); NER_BIND(r, nvrtcGetCUBIN); NER_BIND(r, nvrtcGetPTXSize);
  NER_BIND(r, nvrtcGetPTX);
  return missing.empty();
}

const char *cublasStatusName(cublasStatus_t s) {
  switch (s) {
    case 0: return "CUBLAS_STATUS_SUCCESS";
    case 1: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case 3: return "CUBLAS_STATUS_ALLOC_FAILED";
    case 7: return "CUBLAS_STATUS_INVALID_VALUE";
    case 8: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case 11: return "CUBLAS_STATUS_MAPPING_ERROR";
    case 13: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case 14: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case 15: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case 16: return "CUBLAS_STATUS_LICENSE_ERROR";
    default: return "CUBLAS_STATUS_UNKNOWN";
  }
}

void checkLt(cublasStatus_t s, const std::string &call) {
  if (s != CUBLAS_STATUS_SUCCESS) throw CudaError(call + ": " + cublasStatusName(s) + " (" + std::to_string(s) + ")");
}

bool readFile(const std::string &path, std::vector<char> &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

void makeDirs(const std::string &path) {
  for (size_t i = 1; i <= path.size(); i++) {
    if (i == path.size() || path[i] == '/') mkdir(path.substr(0, i).c_str(), 0755);
  }
}

/** Writes `data` to `path` through a temporary name and a rename, so readers never see half a file. */
bool writeFileAtomically(const std::string &path, const std::vector<char> &data) {
  std::random_device rd;
  const std::string tmp = path + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(rd());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) {
      std::remove(tmp.c_str());
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

/**
 * The sonames to try, newest first, that the driver can run: a CUDA 13 library needs a driver
 * that supports CUDA 13 (cuDriverGetVersion >= 13000, driver 580+), so an older driver gets
 * only the CUDA 12 one. `driverVersion` 0 (unknown: no GPU) tries both.
 */
std::vector<std::string> versionedNames(const std::string &stem, int driverVersion) {
  if (driverVersion > 0 && driverVersion < 13000) return {stem + ".12"};
  return {stem + ".13", stem + ".12"};
}

int64_t alignmentOf(uint64_t value) {
  if (value == 0) return 256;
  const uint64_t low = value & (~value + 1);
  return low >= 256 ? 256 : static_cast<int64_t>(low);
}

}  // namespace

std::string compileKernelsWithNvrtc(int arch, int driverVersion, const KernelSources &sources,
                                    std::vector<char> &cubin) {
  static Library lib;  // loaded once per process
  static NvrtcApi rtc{};
  static std::string builtinsPath;
  // Devices may be opened from several worker threads: one of them loads NVRTC, the others wait.
  static std::mutex loading;
  std::unique_lock<std::mutex> lock(loading);
  std::string why;
  if (!lib.handle) {
    // NVRTC 11.2+ (soname libnvrtc.so.11.2 for every 11.x) is the last resort: its cubins and
    // PTX run on a CUDA 12 or 13 driver, and PyTorch's CUDA 11.8 wheels ship it.
    std::vector<std::string> names = versionedNames("libnvrtc.so", driverVersion);
    names.emplace_back("libnvrtc.so.11.2");
    lib = openLibrary(names, false, why);
    if (!lib.handle) throw CudaError("NVRTC is needed to compile the kernels: " + why);
    std::string missing;
    if (!bindNvrtc(lib, rtc, missing)) {
      lib = Library{};
      throw CudaError("NVRTC library lacks " + missing);
    }
  }
  int rtcMajor = 0, rtcMinor = 0;
  rtc.nvrtcVersion(&rtcMajor, &rtcMinor);
  const std::string version = std::to_string(rtcMajor) + "." + std::to_string(rtcMinor);
  // NVRTC dlopens libnvrtc-builtins.so.<version> at compile time by soname, which fails when
  // NVRTC came from a folder the loader does not search (a wheel's, NER_CUDA_LIB_DIR).
  const std::string builtins = "libnvrtc-builtins.so." + version;
  if (builtinsPath.empty()) builtinsPath = preloadBeside(lib, builtins);
  const std::string foundBuiltins = builtinsPath;
  lock.unlock();  // compiling is thread-safe in NVRTC

  // A GPU newer than this NVRTC knows (e.g. Blackwell with NVRTC 12.4) gets PTX for the newest
  // architecture NVRTC has, which the driver JIT-compiles; otherwise a cubin for the device.
  int numArchs = 0;
  rtc.nvrtcGetNumSupportedArchs(&numArchs);
  std::vector<int> archs(static_cast<size_t>(numArchs > 0 ? numArchs : 0));
  if (numArchs > 0) rtc.nvrtcGetSupportedArchs(archs.data());
  bool exact = archs.empty();
  int newestBelow = 0;
  for (int a : archs) {
    exact = exact || a == arch;
    if (a < arch && a > newestBelow) newestBelow = a;
  }
  if (!exact && newestBelow == 0) {
    throw CudaError("NVRTC " + version + " cannot compile for sm_" + std::to_string(arch) +
                    " (install another NVRTC, e.g. the nvidia-cuda-nvrtc wheel)");
  }
  const bool ptx = !exact;
  const std::string target = ptx ? "compute_" + std::to_string(newestBelow) : "sm_" + std::to_string(arch);

  const std::string key = sources.sourceHash + "-" + target + "-nvrtc" + version;
  const std::string cachePath =
      sources.cacheDir.empty() ? "" : sources.cacheDir + "/" + key + (ptx ? ".ptx" : ".cubin");
  if (!cachePath.empty() && readFile(cachePath, cubin) && !cubin.empty()) return lib.path;

  std::vector<const char *> headers, names;
  for (size_t i = 0; i < sources.fileNames.size(); i++) {
    headers.push_back(sources.fileContents[i].c_str());
    names.push_back(sources.fileNames[i].c_str());
  }
  nvrtcProgram prog = nullptr;
  nvrtcResult r = rtc.nvrtcCreateProgram(&prog, sources.unitySource.c_str(), "ner_kernels.cu",
                                          static_cast<int>(headers.size()), headers.data(), names.data());
  if (r != NVRTC_SUCCESS) throw CudaError(std::string("nvrtcCreateProgram: ") + rtc.nvrtcGetErrorString(r));
  const std::string archOption = "--gpu-architecture=" + target;
  // --fmad=false matches the fatbin build and keeps results within rounding of the cpu backend.
  const char *options[] = {archOption.c_str(), "--fmad=false", "--std=c++17", "-default-device"};
  r = rtc.nvrtcCompileProgram(prog, 4, options);
  if (r != NVRTC_SUCCESS) {
    size_t logSize = 0;
    rtc.nvrtcGetProgramLogSize(prog, &logSize);
    std::string log(logSize, '\0');
    if (logSize) rtc.nvrtcGetProgramLog(prog, &log[0]);
    rtc.nvrtcDestroyProgram(&prog);
    const std::string hint = r == NVRTC_ERROR_BUILTIN_OPERATION_FAILURE && foundBuiltins.empty()
                                 ? " (" + builtins + " is not beside " + lib.path +
                                       ": add its folder to NER_CUDA_LIB_DIR or LD_LIBRARY_PATH)"
                                 : "";
    throw CudaError("nvrtcCompileProgram(" + archOption + ", NVRTC " + version + "): " +
                    rtc.nvrtcGetErrorString(r) + hint + "\n" + log.substr(0, 4000));
  }
  size_t size = 0;
  if (ptx) {
    rtc.nvrtcGetPTXSize(prog, &size);  // includes the terminating NUL cuModuleLoadData needs
    cubin.assign(size, 0);
    r = rtc.nvrtcGetPTX(prog, cubin.data());
  } else {
    rtc.nvrtcGetCUBINSize(prog, &size);
    cubin.assign(size, 0);
    r = rtc.nvrtcGetCUBIN(prog, cubin.data());
  }
  rtc.nvrtcDestroyProgram(&prog);
  if (r != NVRTC_SUCCESS) {
    throw CudaError(std::string(ptx ? "nvrtcGetPTX: " : "nvrtcGetCUBIN: ") + rtc.nvrtcGetErrorString(r));
  }
  if (!cachePath.empty()) {
    makeDirs(sources.cacheDir);
    writeFileAtomically(cachePath, cubin);  // a cache that cannot be written only costs a recompile
  }
  return lib.path;
}

std::string Device::errorName(CUresult r) const {
  const char *name = nullptr;
  if (cu_.cuGetErrorName && cu_.cuGetErrorName(r, &name) == CUDA_SUCCESS && name) return name;
  return "CUDA error " + std::to_string(r);
}

void Device::check(CUresult r, const std::string &call) const {
  if (r != CUDA_SUCCESS) throw CudaError(call + ": " + errorName(r));
}

void Device::requireOpen() const {
  if (closed_) throw CudaError("the CUDA device is closed");
}

/**
 * The device to open among `count` (see Device::open): sets `ordinal` and `from`, or `whyNot` and
 * returns false.
 */
static bool chooseOrdinal(int requested, int localRank, int count, int &ordinal, std::string &from, std::string &whyNot) {
  if (requested >= 0) {
    if (requested >= count) {
      whyNot = "device " + std::to_string(requested) + " requested (NER_CUDA_DEVICE) but only " +
               std::to_string(count) + " present";
      return false;
    }
    ordinal = requested;
    from = "NER_CUDA_DEVICE";
  } else if (localRank >= 0) {
    if (localRank >= count && count != 1) {
      whyNot = "LOCAL_RANK=" + std::to_string(localRank) + " asks for device " + std::to_string(localRank) +
               " (one GPU per local rank) but only " + std::to_string(count) +
               " are visible: start fewer processes per node, or choose with NER_CUDA_DEVICE or CUDA_VISIBLE_DEVICES";
      return false;
    }
    // One visible device with several local ranks: the launcher gave each rank its own GPU.
    ordinal = localRank < count ? localRank : 0;
    from = "LOCAL_RANK";
  } else {
    ordinal = 0;
    from = "default";
  }
  return true;
}

std::unique_ptr<Device> Device::open(int requested, int localRank, const std::vector<KernelDecl> &kernels,
                                     const KernelSources &sources, std::string &whyNot, bool &noDriver) {
  noDriver = false;
  std::unique_ptr<Device> d(new Device());
  d->kernels_ = kernels;
  d->cudaLib_ = openLibrary({"libcuda.so.1"}, true, whyNot);
  if (!d->cudaLib_.handle) {
    whyNot = "no NVIDIA driver: " + whyNot;
    noDriver = true;
    return nullptr;
  }
  std::string missing;
  if (!bindDriver(d->cudaLib_, d->cu_, missing)) {
    whyNot = d->cudaLib_.path + " lacks " + missing + " (a driver too old for CUDA 12?)";
    return nullptr;
  }
  const CUresult init = d->cu_.cuInit(0);
  if (init != CUDA_SUCCESS) {
    whyNot = "cuInit failed: " + d->errorName(init) + " (driver " + d->cudaLib_.path + ")";
    return nullptr;
  }
  d->cu_.cuDriverGetVersion(&d->info_.driverVersion);
  int count = 0;
  const CUresult counted = d->cu_.cuDeviceGetCount(&count);
  if (counted != CUDA_SUCCESS || count == 0) {
    whyNot = counted != CUDA_SUCCESS ? "cuDeviceGetCount failed: " + d->errorName(counted) : "no CUDA device";
    return nullptr;
  }
  int ordinal = 0;
  if (!chooseOrdinal(requested, localRank, count, ordinal, d->info_.ordinalFrom, whyNot)) return nullptr;
  d->info_.ordinal = ordinal;
  try {
    d->check(d->cu_.cuDeviceGet(&d->device_, ordinal), "cuDeviceGet");
    char name[256] = {};
    d->check(d->cu_.cuDeviceGetName(name, sizeof name - 1, d->device_), "cuDeviceGetName");
    d->info_.name = name;
    d->check(d->cu_.cuDeviceGetAttribute(&d->info_.major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d->device_),
             "cuDeviceGetAttribute(major)");
    d->check(d->cu_.cuDeviceGetAttribute(&d->info_.minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, d->device_),
             "cuDeviceGetAttribute(minor)");
    d->check(d->cu_.cuDeviceGetAttribute(&d->info_.multiprocessors, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT,
                                         d->device_),
             "cuDeviceGetAttribute(multiprocessors)");
    d->check(d->cu_.cuDeviceTotalMem(&d->info_.totalMemory, d->device_), "cuDeviceTotalMem");
    // The primary context is the one the CUDA runtime (and PyTorch) use: sharing it lets buffers
    // pass between libraries in one process and avoids a second context's memory.
    d->check(d->cu_.cuDevicePrimaryCtxRetain(&d->context_, d->device_), "cuDevicePrimaryCtxRetain");
    d->retained_ = true;
    d->check(d->cu_.cuCtxSetCurrent(d->context_), "cuCtxSetCurrent");
    d->check(d->cu_.cuStreamCreate(&d->stream_, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
    d->info_.libraries.emplace_back("cuda", d->cudaLib_.path);

    std::string why;
    d->cublasLib_ = openLibrary(versionedNames("libcublasLt.so", d->info_.driverVersion), false, why);
    if (!d->cublasLib_.handle) throw CudaError("cuBLASLt is needed for matrix products: " + why);
    missing.clear();
    if (!bindCublasLt(d->cublasLib_, d->lt_, missing)) throw CudaError(d->cublasLib_.path + " lacks " + missing);
    d->info_.libraries.emplace_back("cublasLt", d->cublasLib_.path);
    checkLt(d->lt_.cublasLtCreate(&d->lt_handle_), "cublasLtCreate");
    d->check(d->cu_.cuMemAlloc(&d->workspace_, kWorkspaceBytes), "cuMemAlloc(cuBLASLt workspace)");
    d->workspaceBytes_ = kWorkspaceBytes;

    d->loadKernels(sources);
  } catch (const std::exception &e) {
    whyNot = e.what();
    d->close();
    return nullptr;
  }
  return d;
}

std::string Device::compileWithNvrtc(const KernelSources &sources, std::vector<char> &cubin) {
  const std::string path = compileKernelsWithNvrtc(info_.major * 10 + info_.minor, info_.driverVersion, sources, cubin);
  info_.libraries.emplace_back("nvrtc", path);
  return "nvrtc";
}

void Device::loadKernels(const KernelSources &sources) {
  std::string fatbinWhyNot;
  if (!sources.forceNvrtc && !sources.fatbinPath.empty()) {
    std::vector<char> image;
    if (readFile(sources.fatbinPath, image) && !image.empty()) {
      const CUresult r = cu_.cuModuleLoadData(&module_, image.data());
      if (r == CUDA_SUCCESS) {
        info_.kernelSource = "fatbin";
      } else {
        // No cubin for this arch and a PTX the driver cannot JIT (too new a PTX ISA, or no JIT):
        // compile the same sources with NVRTC instead.
        module_ = nullptr;
        fatbinWhyNot = "cuModuleLoadData(" + sources.fatbinPath + "): " + errorName(r);
      }
    } else {
      fatbinWhyNot = sources.fatbinPath + " could not be read";
    }
  }
  if (!module_) {
    std::vector<char> cubin;
    try {
      info_.kernelSource = compileWithNvrtc(sources, cubin);
    } catch (const CudaError &e) {
      throw CudaError(fatbinWhyNot.empty() ? e.what() : fatbinWhyNot + "; " + e.what());
    }
    check(cu_.cuModuleLoadData(&module_, cubin.data()), "cuModuleLoadData(NVRTC output)");
  }
  functions_.assign(kernels_.size(), nullptr);
  for (size_t i = 0; i < kernels_.size(); i++) {
    check(cu_.cuModuleGetFunction(&functions_[i], module_, kernels_[i].name.c_str()),
          "cuModuleGetFunction(" + kernels_[i].name + ")");
  }
}

Device::~Device() {
  try {
    close();
  } catch (...) {
  }
}

void Device::close() {
  if (closed_) return;
  closed_ = true;
  if (context_) cu_.cuCtxSetCurrent(context_);
  if (stream_) cu_.cuStreamSynchronize(stream_);
  for (auto &entry : plans_) {
    GemmPlan &p = entry.second;
    if (p.desc) lt_.cublasLtMatmulDescDestroy(p.desc);
    if (p.layoutA) lt_.cublasLtMatrixLayoutDestroy(p.layoutA);
    if (p.layoutB) lt_.cublasLtMatrixLayoutDestroy(p.layoutB);
    if (p.layoutC) lt_.cublasLtMatrixLayoutDestroy(p.layoutC);
  }
  plans_.clear();
  releaseTimers();
  if (lt_handle_) lt_.cublasLtDestroy(lt_handle_);
  lt_handle_ = nullptr;
  if (workspace_) cu_.cuMemFree(workspace_);
  workspace_ = 0;
  if (module_) cu_.cuModuleUnload(module_);
  module_ = nullptr;
  if (stream_) cu_.cuStreamDestroy(stream_);
  stream_ = nullptr;
  if (retained_) cu_.cuDevicePrimaryCtxRelease(device_);
  retained_ = false;
  // The libraries stay loaded: unloading the driver while other code may hold it is unsafe.
}

CUdeviceptr Device::malloc(size_t bytes) {
  requireOpen();
  CUdeviceptr p = 0;
  check(cu_.cuMemAlloc(&p, bytes ? bytes : 1), "cuMemAlloc(" + std::to_string(bytes) + " bytes)");
  return p;
}

void Device::free(CUdeviceptr ptr) {
  requireOpen();
  check(cu_.cuStreamSynchronize(stream_), "cuStreamSynchronize (before cuMemFree)");
  check(cu_.cuMemFree(ptr), "cuMemFree");
}

void Device::upload(CUdeviceptr dst, const void *src, size_t bytes) {
  requireOpen();
  if (!bytes) return;
  // From pageable memory the driver stages the bytes before returning, so `src` may be reused
  // at once while the copy stays ordered on the stream.
  check(cu_.cuMemcpyHtoDAsync(dst, src, bytes, stream_), "cuMemcpyHtoDAsync");
}

void Device::download(void *dst, CUdeviceptr src, size_t bytes) {
  requireOpen();
  if (bytes) check(cu_.cuMemcpyDtoHAsync(dst, src, bytes, stream_), "cuMemcpyDtoHAsync");
  check(cu_.cuStreamSynchronize(stream_), "cuStreamSynchronize (download)");
}

PendingDownload Device::beginDownload(CUdeviceptr src, size_t bytes) {
  requireOpen();
  // The copy is queued now, in stream order, into pinned memory (truly asynchronous); a worker
  // thread waits for it and copies into the JS buffer, so the event loop never blocks.
  PendingDownload p;
  p.bytes = bytes;
  check(cu_.cuMemAllocHost(&p.pinned, bytes ? bytes : 1), "cuMemAllocHost(" + std::to_string(bytes) + " bytes)");
  CUresult r = cu_.cuEventCreate(&p.done, CU_EVENT_DISABLE_TIMING);
  if (r == CUDA_SUCCESS && bytes) r = cu_.cuMemcpyDtoHAsync(p.pinned, src, bytes, stream_);
  if (r == CUDA_SUCCESS) r = cu_.cuEventRecord(p.done, stream_);
  if (r != CUDA_SUCCESS) {
    releaseDownload(p);
    check(r, "cuMemcpyDtoHAsync (downloadAsync)");
  }
  return p;
}

void Device::finishDownload(const PendingDownload &p, void *dst) {
  check(cu_.cuCtxSetCurrent(context_), "cuCtxSetCurrent (worker thread)");
  check(cu_.cuEventSynchronize(p.done), "cuEventSynchronize (downloadAsync)");
  if (p.bytes) std::memcpy(dst, p.pinned, p.bytes);
}

void Device::releaseDownload(PendingDownload &p) {
  if (p.done) cu_.cuEventDestroy(p.done);
  if (p.pinned) cu_.cuMemFreeHost(p.pinned);
  p.done = nullptr;
  p.pinned = nullptr;
}

void Device::copy(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  requireOpen();
  if (bytes) check(cu_.cuMemcpyDtoDAsync(dst, src, bytes, stream_), "cuMemcpyDtoDAsync");
}

void Device::fill32(CUdeviceptr dst, uint32_t value, size_t count) {
  requireOpen();
  if (count) check(cu_.cuMemsetD32Async(dst, value, count, stream_), "cuMemsetD32Async");
}

void Device::launch(size_t kernel, const std::array<unsigned, 7> &g, const uint8_t *args, size_t argBytes) {
  requireOpen();
  if (kernel >= kernels_.size()) throw CudaError("launch: unknown kernel id " + std::to_string(kernel));
  const KernelDecl &decl = kernels_[kernel];
  void *params[16];
  if (decl.params.size() > 16) throw CudaError("launch(" + decl.name + "): too many parameters");
  size_t offset = 0;
  for (size_t i = 0; i < decl.params.size(); i++) {
    params[i] = const_cast<uint8_t *>(args + offset);
    offset += paramSlotBytes(decl.params[i]);
  }
  if (offset != argBytes) {
    throw CudaError("launch(" + decl.name + "): " + std::to_string(argBytes) + " argument bytes, expected " +
                    std::to_string(offset));
  }
  if (!g[0] || !g[1] || !g[2] || !g[3] || !g[4] || !g[5]) return;  // an empty grid launches nothing
  lastKernel_ = decl.name;
  check(cu_.cuLaunchKernel(functions_[kernel], g[0], g[1], g[2], g[3], g[4], g[5], g[6], stream_, params, nullptr),
        "cuLaunchKernel(" + decl.name + ")");
}

Device::GemmPlan &Device::plan(const GemmArgs &g) {
  const uint32_t epilogue = g.bias ? (g.relu ? CUBLASLT_EPILOGUE_RELU_BIAS : CUBLASLT_EPILOGUE_BIAS)
                                   : (g.relu ? CUBLASLT_EPILOGUE_RELU : CUBLASLT_EPILOGUE_DEFAULT);
  // Algorithms depend on pointer alignment (cuBLASLt assumes 256 bytes unless told), so the
  // alignment of each matrix, including the batch strides' offsets, is part of the key.
  // A batch stride moves by stride * (bytes per element): 2 for bf16 operands, 4 for float32.
  const uint64_t abBytes = g.bf16 ? 2 : 4;
  auto align = [&](CUdeviceptr p, int64_t stride, uint64_t elementBytes) {
    int64_t a = alignmentOf(p);
    if (g.batch > 1 && stride) a = std::min(a, alignmentOf(static_cast<uint64_t>(stride) * elementBytes));
    return a;
  };
  const int64_t alignA = align(g.a, g.strideA, abBytes), alignB = align(g.b, g.strideB, abBytes),
                alignC = align(g.c, g.strideC, 4);
  const int64_t alignBias = g.bias ? alignmentOf(g.bias) : 256;
  // Under bf16 the compute type is CUBLAS_COMPUTE_32F whatever tf32 says, so tf32 is left out of
  // the key there (one plan, not two identical ones).
  const bool tf32 = g.tf32 && !g.bf16;
  const GemmKey key = {g.m,      g.n,      g.k,      g.lda,  g.ldb,  g.ldc,  g.batch,   g.strideA, g.strideB, g.strideC,
                       g.transA, g.transB, epilogue, tf32,   g.bf16, alignA, alignB,    alignC,    alignBias};
  auto found = plans_.find(key);
  if (found != plans_.end()) return found->second;

  // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: cuBLASLt's "A" is our B
  // buffer and its "B" our A buffer; the row-major buffers read as column-major transposes.
  //
  // bf16 autocast: A and B layouts CUDA_R_16BF, C and D CUDA_R_32F, compute CUBLAS_COMPUTE_32F
  // with scale type CUDA_R_32F (alpha, beta float): one of cublasLtMatmul's documented type
  // combinations (A/B 16BF, C/D 32F), products accumulated in fp32 as torch.autocast's bf16
  // matmuls do (torch then rounds the output to bf16; we keep the fp32 result). The BIAS
  // epilogue's vector has the type of D unless CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE says
  // otherwise (its default, -1, means "as D"), so the float32 bias needs no extra attribute.
  GemmPlan p;
  const int computeType = tf32 ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F;
  const int abType = g.bf16 ? CUDA_R_16BF : CUDA_R_32F;
  try {
    checkLt(lt_.cublasLtMatmulDescCreate(&p.desc, computeType, CUDA_R_32F), "cublasLtMatmulDescCreate");
    const int32_t opFirst = g.transB ? CUBLAS_OP_T : CUBLAS_OP_N;
    const int32_t opSecond = g.transA ? CUBLAS_OP_T : CUBLAS_OP_N;
    checkLt(lt_.cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_TRANSA, &opFirst, sizeof opFirst),
            "cublasLtMatmulDescSetAttribute(TRANSA)");
    checkLt(lt_.cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_TRANSB, &opSecond, sizeof opSecond),
            "cublasLtMatmulDescSetAttribute(TRANSB)");
    checkLt(lt_.cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &epilogue, sizeof epilogue),
            "cublasLtMatmulDescSetAttribute(EPILOGUE)");
    if (g.bias) {
      const void *bias = reinterpret_cast<const void *>(g.bias);
      checkLt(lt_.cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof bias),
              "cublasLtMatmulDescSetAttribute(BIAS_POINTER)");
    }
    const uint64_t firstRows = g.transB ? g.k : g.n, firstCols = g.transB ? g.n : g.k;
    const uint64_t secondRows = g.transA ? g.m : g.k, secondCols = g.transA ? g.k : g.m;
    checkLt(lt_.cublasLtMatrixLayoutCreate(&p.layoutA, abType, firstRows, firstCols, g.ldb),
            "cublasLtMatrixLayoutCreate(B)");
    checkLt(lt_.cublasLtMatrixLayoutCreate(&p.layoutB, abType, secondRows, secondCols, g.lda),
            "cublasLtMatrixLayoutCreate(A)");
    checkLt(lt_.cublasLtMatrixLayoutCreate(&p.layoutC, CUDA_R_32F, static_cast<uint64_t>(g.n),
                                           static_cast<uint64_t>(g.m), g.ldc),
            "cublasLtMatrixLayoutCreate(C)");
    if (g.batch > 1) {
      const int32_t batch = static_cast<int32_t>(g.batch);
      const int64_t strides[3] = {g.strideB, g.strideA, g.strideC};
      cublasLtMatrixLayout_t layouts[3] = {p.layoutA, p.layoutB, p.layoutC};
      for (int i = 0; i < 3; i++) {
        checkLt(lt_.cublasLtMatrixLayoutSetAttribute(layouts[i], CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, &batch,
                                                     sizeof batch),
                "cublasLtMatrixLayoutSetAttribute(BATCH_COUNT)");
        checkLt(lt_.cublasLtMatrixLayoutSetAttribute(layouts[i], CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET,
                                                     &strides[i], sizeof strides[i]),
                "cublasLtMatrixLayoutSetAttribute(STRIDED_BATCH_OFFSET)");
      }
    }
    cublasLtMatmulPreference_t pref = nullptr;
    checkLt(lt_.cublasLtMatmulPreferenceCreate(&pref), "cublasLtMatmulPreferenceCreate");
    const uint64_t ws = workspaceBytes_;
    const uint32_t alignments[4] = {static_cast<uint32_t>(alignB), static_cast<uint32_t>(alignA),
                                    static_cast<uint32_t>(std::min(alignC, alignBias)),
                                    static_cast<uint32_t>(std::min(alignC, alignBias))};
    cublasStatus_t s =
        lt_.cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof ws);
    const int alignAttrs[4] = {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES,
                               CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES};
    for (int i = 0; i < 4 && s == CUBLAS_STATUS_SUCCESS; i++) {
      s = lt_.cublasLtMatmulPreferenceSetAttribute(pref, alignAttrs[i], &alignments[i], sizeof alignments[i]);
    }
    cublasLtMatmulHeuristicResult_t result{};
    int returned = 0;
    if (s == CUBLAS_STATUS_SUCCESS) {
      s = lt_.cublasLtMatmulAlgoGetHeuristic(lt_handle_, p.desc, p.layoutA, p.layoutB, p.layoutC, p.layoutC, pref, 1,
                                             &result, &returned);
    }
    lt_.cublasLtMatmulPreferenceDestroy(pref);
    const std::string shape = "(m=" + std::to_string(g.m) + " n=" + std::to_string(g.n) + " k=" +
                              std::to_string(g.k) + " batch=" + std::to_string(g.batch) +
                              (g.bf16 ? " bf16" : "") + ")";
    checkLt(s, "cublasLtMatmulAlgoGetHeuristic" + shape);
    if (returned < 1) throw CudaError("cublasLtMatmulAlgoGetHeuristic" + shape + ": no algorithm for this product");
    p.algo = result.algo;
  } catch (...) {
    if (p.desc) lt_.cublasLtMatmulDescDestroy(p.desc);
    if (p.layoutA) lt_.cublasLtMatrixLayoutDestroy(p.layoutA);
    if (p.layoutB) lt_.cublasLtMatrixLayoutDestroy(p.layoutB);
    if (p.layoutC) lt_.cublasLtMatrixLayoutDestroy(p.layoutC);
    throw;
  }
  return plans_.emplace(key, p).first->second;
}

void Device::gemm(const GemmArgs &g) {
  requireOpen();
  if (g.m <= 0 || g.n <= 0 || g.batch <= 0) return;
  if (g.k <= 0) throw CudaError("gemm: k must be positive (got " + std::to_string(g.k) + ")");
  GemmPlan &p = plan(g);
  if (g.bias) {
    // The plan is shared by every call of this shape; the bias vector differs per call.
    const void *bias = reinterpret_cast<const void *>(g.bias);
    checkLt(lt_.cublasLtMatmulDescSetAttribute(p.desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof bias),
            "cublasLtMatmulDescSetAttribute(BIAS_POINTER)");
  }
  const void *first = reinterpret_cast<const void *>(g.b);
  const void *second = reinterpret_cast<const void *>(g.a);
  void *c = reinterpret_cast<void *>(g.c);
  lastKernel_ = "cublasLtMatmul";
  checkLt(lt_.cublasLtMatmul(lt_handle_, p.desc, &g.alpha, first, p.layoutA, second, p.layoutB, &g.beta, c,
                             p.layoutC, c, p.layoutC, &p.algo, reinterpret_cast<void *>(workspace_), workspaceBytes_,
                             stream_),
          "cublasLtMatmul(m=" + std::to_string(g.m) + " n=" + std::to_string(g.n) + " k=" + std::to_string(g.k) +
              (g.bf16 ? " bf16" : "") + ")");
}

void Device::synchronize() {
  requireOpen();
  const CUresult r = cu_.cuStreamSynchronize(stream_);
  if (r != CUDA_SUCCESS) {
    throw CudaError("cuStreamSynchronize: " + errorName(r) +
                    (lastKernel_.empty() ? "" : " (the last work queued was " + lastKernel_ + ")"));
  }
}

std::pair<size_t, size_t> Device::memGetInfo() {
  requireOpen();
  size_t freeBytes = 0, totalBytes = 0;
  check(cu_.cuMemGetInfo(&freeBytes, &totalBytes), "cuMemGetInfo");
  return {freeBytes, totalBytes};
}

}  // namespace ner::cuda
