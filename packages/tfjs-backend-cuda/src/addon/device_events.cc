// Events on the device's stream. For NCCL's asynchronous completion (nccl.cc): a collective is
// queued on the main thread, an event recorded after it, and a worker thread polls the event so
// it can give up (and abort the communicator) when a peer never answers. For GPU timers: a pair
// of timing events around queued work, read after it has run (CudaBackend.time).
#include "device.h"

namespace ner::cuda {

void Device::makeCurrent() const {
  requireOpen();
  check(cu_.cuCtxSetCurrent(context_), "cuCtxSetCurrent");
}

CUevent Device::recordEvent() {
  requireOpen();
  CUevent event = nullptr;
  check(cu_.cuEventCreate(&event, CU_EVENT_DISABLE_TIMING), "cuEventCreate");
  const CUresult r = cu_.cuEventRecord(event, stream_);
  if (r != CUDA_SUCCESS) {
    cu_.cuEventDestroy(event);
    check(r, "cuEventRecord");
  }
  return event;
}

bool Device::eventDone(CUevent event) {
  if (!cu_.cuEventQuery) {
    check(cu_.cuEventSynchronize(event), "cuEventSynchronize");
    return true;
  }
  const CUresult r = cu_.cuEventQuery(event);
  if (r == CUDA_ERROR_NOT_READY) return false;
  check(r, "cuEventQuery");
  return true;
}

void Device::destroyEvent(CUevent event) {
  if (event) cu_.cuEventDestroy(event);
}

CUevent Device::timingEvent() {
  if (!spareTimingEvents_.empty()) {
    CUevent event = spareTimingEvents_.back();
    spareTimingEvents_.pop_back();
    return event;
  }
  CUevent event = nullptr;
  check(cu_.cuEventCreate(&event, CU_EVENT_DEFAULT), "cuEventCreate (timer)");
  return event;
}

CUevent Device::recordTimingEvent(const char *call) {
  CUevent event = timingEvent();
  const CUresult r = cu_.cuEventRecord(event, stream_);
  if (r != CUDA_SUCCESS) {
    spareTimingEvents_.push_back(event);
    check(r, call);
  }
  return event;
}

int64_t Device::startTimer() {
  requireOpen();
  if (!cu_.cuEventElapsedTime) throw CudaError("GPU timers: the driver exports no cuEventElapsedTime");
  // Checked before creating anything: a caller that never reads its timers must not grow this forever.
  if (timers_.size() >= kMaxTimers) {
    throw CudaError("GPU timers: " + std::to_string(timers_.size()) +
                    " started and not read (the limit); read them with readTimer");
  }
  Timer t;
  t.start = recordTimingEvent("cuEventRecord (timer start)");
  const int64_t id = nextTimer_++;
  timers_.emplace(id, t);
  return id;
}

void Device::stopTimer(int64_t id) {
  requireOpen();
  auto found = timers_.find(id);
  if (found == timers_.end()) throw CudaError("stopTimer: no timer " + std::to_string(id) + " was started");
  Timer &t = found->second;
  if (t.stop) throw CudaError("stopTimer: timer " + std::to_string(id) + " was already stopped");
  t.stop = recordTimingEvent("cuEventRecord (timer stop)");
}

double Device::readTimer(int64_t id) {
  requireOpen();
  auto found = timers_.find(id);
  if (found == timers_.end()) throw CudaError("readTimer: no timer " + std::to_string(id) + " was started");
  const Timer t = found->second;
  if (!t.stop) throw CudaError("readTimer: timer " + std::to_string(id) + " was not stopped");
  // The timer is gone whatever happens next; its events go back to the spares.
  timers_.erase(found);
  spareTimingEvents_.push_back(t.start);
  spareTimingEvents_.push_back(t.stop);
  check(cu_.cuEventSynchronize(t.stop), "cuEventSynchronize (timer)");
  float ms = 0;
  check(cu_.cuEventElapsedTime(&ms, t.start, t.stop), "cuEventElapsedTime");
  return ms;
}

void Device::releaseTimers() {
  for (auto &entry : timers_) {
    if (entry.second.start) cu_.cuEventDestroy(entry.second.start);
    if (entry.second.stop) cu_.cuEventDestroy(entry.second.stop);
  }
  timers_.clear();
  for (CUevent event : spareTimingEvents_) cu_.cuEventDestroy(event);
  spareTimingEvents_.clear();
}

}  // namespace ner::cuda
