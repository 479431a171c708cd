// What the shared-memory group needs to know about this host and its processes: which ranks may
// share memory, whether the path is on, how large its slots may be, and whether a peer lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ner_gloo {
namespace shm_host {

// Equal on two ranks when they may share memory (same kernel boot, namespaces and uid).
std::string hostIdentity();
// False when NER_ACCELERATE_SHM is 0 or false.
bool enabled();
// Bytes per slot for a group of `size`: NER_ACCELERATE_SHM_SLOT_KIB (else `fallback`) within
// [minBytes, maxBytes], shrunk so the segment takes at most a quarter of /dev/shm's free space.
size_t slotBytes(int size, size_t fallback, size_t minBytes, size_t maxBytes);
// "/ner-accelerate-<pid>-<32 random hex digits>".
std::string randomSegmentName();
// Cores this process may run on.
int usableCores();
// True once `pid` has exited (a zombie its parent has not reaped counts as exited).
bool processGone(int32_t pid);

}  // namespace shm_host
}  // namespace ner_gloo
