#include "shm_host.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace ner_gloo {
namespace shm_host {
namespace {

std::string readSmallFile(const char* path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  return text;
}

std::string readLink(const char* path) {
  char buffer[256];
  ssize_t n = readlink(path, buffer, sizeof(buffer) - 1);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
}

size_t slotBytesFromEnv(size_t fallback, size_t minBytes, size_t maxBytes) {
  const char* value = std::getenv("NER_ACCELERATE_SHM_SLOT_KIB");
  if (value == nullptr) return fallback;
  char* end = nullptr;
  unsigned long long kib = std::strtoull(value, &end, 10);
  if (end == value || *end != '\0') return fallback;
  size_t bytes = static_cast<size_t>(std::min<unsigned long long>(kib, maxBytes / 1024)) * 1024;
  return std::max(minBytes, bytes);
}

}  // namespace

// One kernel boot, the same mount (/dev/shm), IPC and pid namespaces (pids tell whether a peer is
// alive), the same uid (the segment is 0600).
std::string hostIdentity() {
  char name[256] = {0};
  gethostname(name, sizeof(name) - 1);
  return std::string(name) + "|" + readSmallFile("/proc/sys/kernel/random/boot_id") + "|" +
         readLink("/proc/self/ns/mnt") + "|" + readLink("/proc/self/ns/ipc") + "|" +
         readLink("/proc/self/ns/pid") + "|uid " + std::to_string(getuid());
}

bool enabled() {
  const char* value = std::getenv("NER_ACCELERATE_SHM");
  return value == nullptr || (std::strcmp(value, "0") != 0 && std::strcmp(value, "false") != 0);
}

// A quarter of the free space: several groups, or a small /dev/shm (64 MiB in a default Docker
// container), still fit. Below the minimum slot it stays at the minimum, and creating the
// segment may then fail (the group uses gloo's TCP).
size_t slotBytes(int size, size_t fallback, size_t minBytes, size_t maxBytes) {
  size_t slot = slotBytesFromEnv(fallback, minBytes, maxBytes);
  struct statvfs info;
  if (statvfs("/dev/shm", &info) != 0) return slot;
  const size_t quarter = static_cast<size_t>(info.f_bavail) * static_cast<size_t>(info.f_frsize) / 4;
  const size_t fitting = quarter / (2 * static_cast<size_t>(size)) / 4096 * 4096;
  return std::max(minBytes, std::min(slot, fitting));
}

std::string randomSegmentName() {
  unsigned char random[16];
  if (getrandom(random, sizeof(random), 0) != static_cast<ssize_t>(sizeof(random))) {
    throw std::runtime_error(std::string("shared memory: getrandom failed: ") + strerror(errno));
  }
  static const char* digits = "0123456789abcdef";
  // The creator's pid in the name says whose it is; the random part makes it unguessable.
  std::string name = "/ner-accelerate-" + std::to_string(getpid()) + "-";
  for (unsigned char byte : random) {
    name += digits[byte >> 4];
    name += digits[byte & 15];
  }
  return name;
}

int usableCores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? static_cast<int>(online) : 1;
}

bool processGone(int32_t pid) {
  if (pid <= 0) return false;
  if (kill(pid, 0) != 0) return errno == ESRCH;
  // A killed child its parent has not reaped yet still answers kill(): look at its state.
  std::string stat = readSmallFile(("/proc/" + std::to_string(pid) + "/stat").c_str());
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() &&
         (stat[paren + 2] == 'Z' || stat[paren + 2] == 'X');
}

}  // namespace shm_host
}  // namespace ner_gloo
