// One CUDA device as the TypeScript layer sees it (src/device.ts): the primary context, one
// stream, the kernel module, and cuBLASLt with a workspace and per-shape cached plans. Errors are
// thrown as CudaError with the call and the CUDA error name; binding.cc turns them into JS Errors.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>
#include <stdexcept>
#include <string>
#include <vector>

#include "cuda_api.h"
#include "dynlib.h"

namespace ner::cuda {

struct CudaError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/** A launch parameter kind, as kernel-abi.ts names them. */
enum class ParamKind : uint8_t { Ptr, I32, U32, F32, Dims };

/** Bytes of a `struct NerDims` (25 int32). */
constexpr size_t kDimsBytes = 100;

/** Where a parameter of each kind sits in the packed argument buffer: 8-byte slots. */
size_t paramSlotBytes(ParamKind kind);

struct KernelDecl {
  std::string name;
  std::vector<ParamKind> params;
};

/** Kernel sources for NVRTC: the unity file that includes every .cu, and every file by name. */
struct KernelSources {
  std::string fatbinPath;        // "" when none was built
  std::string unitySource;       // #include "a.cu" ... (compiled as one program)
  std::vector<std::string> fileNames;
  std::vector<std::string> fileContents;
  std::string sourceHash;        // sha256 of every file, from the JS side
  std::string cacheDir;          // "" disables the on-disk cubin cache
  bool forceNvrtc = false;       // NER_CUDA_FORCE_NVRTC: skip the fatbin (tests the other path)
};

struct GemmArgs {
  CUdeviceptr a, b, c, bias;
  int64_t m, n, k, lda, ldb, ldc, batch, strideA, strideB, strideC;
  // bf16: a and b hold bfloat16 (2 bytes an element; strides and leading dimensions in elements),
  // c and bias float32, fp32 accumulation (bf16 autocast); tf32 is then ignored.
  bool transA, transB, relu, tf32, bf16;
  float alpha, beta;
};

struct DeviceInfo {
  std::string name;
  /** The device number opened, and what chose it: "NER_CUDA_DEVICE", "LOCAL_RANK" or "default". */
  int ordinal = 0;
  std::string ordinalFrom = "default";
  int major = 0, minor = 0, driverVersion = 0, multiprocessors = 0;
  size_t totalMemory = 0;
  std::string kernelSource;
  std::vector<std::pair<std::string, std::string>> libraries;
};

/** A staged device-to-host copy: the pinned buffer the copy lands in and the event after it. */
struct PendingDownload {
  void *pinned = nullptr;
  CUevent done = nullptr;
  size_t bytes = 0;
};

/**
 * Compiles the kernel sources with NVRTC to a cubin for sm_`arch` (e.g. 90), or to PTX for the
 * newest older architecture when this NVRTC does not know `arch` (the driver JIT-compiles it),
 * through the on-disk cache when `sources.cacheDir` is set. Needs no GPU. `driverVersion` (cuDriverGetVersion, 0 when
 * unknown) picks an NVRTC whose cubins the driver can load. Returns the NVRTC library's path;
 * throws CudaError naming what failed (library not found, compile log).
 */
std::string compileKernelsWithNvrtc(int arch, int driverVersion, const KernelSources &sources,
                                    std::vector<char> &cubin);

class Device {
 public:
  /**
   * Opens device `ordinal` (NER_CUDA_DEVICE) when it is >= 0; else, when `localRank` >= 0 (a
   * launched process's LOCAL_RANK), device `localRank` as accelerate's `cuda:LOCAL_RANK`, or the one
   * device there is when the launcher gave each rank its own (CUDA_VISIBLE_DEVICES); else device 0.
   * Returns null and sets `whyNot` when there is no usable device, and `noDriver` when the reason
   * is that no libcuda.so.1 was found (a machine without a GPU stack).
   */
  static std::unique_ptr<Device> open(int ordinal, int localRank, const std::vector<KernelDecl> &kernels,
                                      const KernelSources &sources, std::string &whyNot, bool &noDriver);
  ~Device();

  const DeviceInfo &info() const { return info_; }
  const std::vector<KernelDecl> &kernels() const { return kernels_; }

  CUdeviceptr malloc(size_t bytes);
  void free(CUdeviceptr ptr);
  void upload(CUdeviceptr dst, const void *src, size_t bytes);
  void download(void *dst, CUdeviceptr src, size_t bytes);
  PendingDownload beginDownload(CUdeviceptr src, size_t bytes);
  /** Waits for the staged copy and copies it to `dst` (any thread: makes the context current). */
  void finishDownload(const PendingDownload &pending, void *dst);
  void releaseDownload(PendingDownload &pending);
  void copy(CUdeviceptr dst, CUdeviceptr src, size_t bytes);
  void fill32(CUdeviceptr dst, uint32_t value, size_t count);
  void launch(size_t kernel, const std::array<unsigned, 7> &geometry, const uint8_t *args, size_t argBytes);
  void gemm(const GemmArgs &g);
  void synchronize();
  std::pair<size_t, size_t> memGetInfo();
  void close();
  bool closed() const { return closed_; }

  // For NCCL (nccl.cc), whose collectives go on this device's stream: see device_events.cc.
  CUstream stream() const { return stream_; }
  /** Makes the device's context current on the calling thread (worker threads need it). */
  void makeCurrent() const;
  /** An event recorded on the stream after everything queued so far. */
  CUevent recordEvent();
  /** Whether the event has completed (cuEventQuery; cuEventSynchronize when the driver lacks it). */
  bool eventDone(CUevent event);
  void destroyEvent(CUevent event);

  // GPU timers (device_events.cc), for CudaBackend.time and so tf.time / tf.profile: a pair of
  // timing events around the work queued between start and stop, read once it has run.
  /** Records a start event on the stream; returns the timer's id. */
  int64_t startTimer();
  /** Records the timer's stop event after everything queued so far. */
  void stopTimer(int64_t id);
  /** Waits for the stop event and returns the GPU milliseconds between the two; frees the timer. */
  double readTimer(int64_t id);
  /** Timers started and not yet read (the limit is kMaxTimers, MAX_GPU_TIMERS in device.ts). */
  size_t timersInFlight() const { return timers_.size(); }
  static constexpr size_t kMaxTimers = 1u << 20;

 private:
  struct Timer {
    CUevent start = nullptr, stop = nullptr;
  };
  struct GemmPlan {
    cublasLtMatmulDesc_t desc = nullptr;
    cublasLtMatrixLayout_t layoutA = nullptr, layoutB = nullptr, layoutC = nullptr;
    cublasLtMatmulAlgo_t algo{};
  };
  using GemmKey = std::array<int64_t, 19>;

  Device() = default;
  void check(CUresult r, const std::string &call) const;
  std::string errorName(CUresult r) const;
  void loadKernels(const KernelSources &sources);
  std::string compileWithNvrtc(const KernelSources &sources, std::vector<char> &cubin);
  GemmPlan &plan(const GemmArgs &g);
  void requireOpen() const;
  CUevent timingEvent();
  /** A timing event (a spare or a new one) recorded on the stream now; `call` names a failure. */
  CUevent recordTimingEvent(const char *call);
  void releaseTimers();

  Library cudaLib_, cublasLib_;
  DriverApi cu_{};
  CublasLtApi lt_{};
  CUdevice device_ = 0;
  CUcontext context_ = nullptr;
  CUstream stream_ = nullptr;
  CUmodule module_ = nullptr;
  cublasLtHandle_t lt_handle_ = nullptr;
  CUdeviceptr workspace_ = 0;
  size_t workspaceBytes_ = 0;
  std::vector<KernelDecl> kernels_;
  std::vector<CUfunction> functions_;
  std::map<GemmKey, GemmPlan> plans_;
  std::string lastKernel_;
  std::unordered_map<int64_t, Timer> timers_;
  std::vector<CUevent> spareTimingEvents_;  // recorded events are reused rather than recreated
  int64_t nextTimer_ = 1;
  DeviceInfo info_;
  bool closed_ = false;
  bool retained_ = false;
};

}  // namespace ner::cuda
