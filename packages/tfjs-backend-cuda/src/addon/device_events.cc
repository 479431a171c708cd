// Events on the device's stream, for NCCL's asynchronous completion (nccl.cc): a collective is
// queued on the main thread, an event recorded after it, and a worker thread polls the event so
// it can give up (and abort the communicator) when a peer never answers.
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

}  // namespace ner::cuda
