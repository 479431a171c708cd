// Client side of the rendezvous store protocol (src/store/protocol.ts is the reference).
#include "store_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <thread>

namespace ner_gloo {
namespace {

// Mirrors of src/store/protocol.ts; a change there must be made here too.
constexpr uint32_t kMagic = 0x5352454e;  // "NERS" little-endian
constexpr uint32_t kProtocolVersion = 1;
constexpr size_t kMaxKeyBytes = 4096;
constexpr size_t kMaxValueBytes = 64 * 1024 * 1024;
constexpr size_t kMaxSecretBytes = 1024;
constexpr uint8_t kOpSet = 1;
constexpr uint8_t kOpGet = 2;
constexpr uint8_t kOpWait = 4;
constexpr uint8_t kStatusOk = 0;
constexpr uint8_t kStatusTimeout = 1;
constexpr uint8_t kStatusBadSecret = 2;
constexpr uint8_t kStatusBadVersion = 3;
constexpr uint8_t kStatusTooLarge = 4;
constexpr uint8_t kStatusBadRequest = 5;

// The server answers TIMEOUT itself when a GET/WAIT expires; the socket waits this much longer
// so that answer (not a local guess) is what the caller sees.
constexpr auto kReplyGrace = std::chrono::milliseconds(5000);

void putU32(std::vector<char>& out, uint32_t value) {
  for (int i = 0; i < 4; i++) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void putBytes(std::vector<char>& out, const char* data, size_t length) {
  putU32(out, static_cast<uint32_t>(length));
  out.insert(out.end(), data, data + length);
}

uint32_t clampMs(std::chrono::milliseconds timeout) {
  auto ms = timeout.count();
  if (ms < 1) return 1;  // 0 would mean "do not wait" on the wire
  if (ms > 0xfffffffeLL) return 0xfffffffeu;
  return static_cast<uint32_t>(ms);
}

int msUntil(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadline - std::chrono::steady_clock::now())
                  .count();
  if (left <= 0) return 0;
  return static_cast<int>(std::min<long long>(left, 1 << 30));
}

std::string statusName(uint8_t status) {
  switch (status) {
    case kStatusTimeout: return "TIMEOUT";
    case kStatusBadSecret: return "BAD_SECRET (the secret does not match the store's)";
    case kStatusBadVersion: return "BAD_VERSION (client and store speak different protocol versions)";
    case kStatusTooLarge: return "TOO_LARGE";
    case kStatusBadRequest: return "BAD_REQUEST";
    default: return "unknown status " + std::to_string(status);
  }
}

}  // namespace

StoreClient::StoreClient(StoreOptions options) : options_(std::move(options)) {
  if (options_.secret.size() > kMaxSecretBytes) {
    throw StoreError("rendezvous store " + where() + ": the secret is " +
                     std::to_string(options_.secret.size()) + " bytes, at most " +
                     std::to_string(kMaxSecretBytes) + " allowed");
  }
}

StoreClient::~StoreClient() { closeSocket(); }

std::string StoreClient::where() const {
  return options_.host + ":" + std::to_string(options_.port);
}

std::string StoreClient::prefixed(const std::string& key) const {
  std::string full = options_.prefix.empty() ? key : options_.prefix + "/" + key;
  if (full.size() > kMaxKeyBytes) {
    throw StoreError("rendezvous store " + where() + ": key '" + full.substr(0, 64) + "...' is " +
                     std::to_string(full.size()) + " bytes, at most " +
                     std::to_string(kMaxKeyBytes) + " allowed");
  }
  return full;
}

void StoreClient::closeSocket() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void StoreClient::fail(const std::string& what) {
  closeSocket();
  throw StoreError("rendezvous store " + where() + ": " + what);
}

void StoreClient::ensureConnected() {
  if (fd_ >= 0) return;
  // Rank 0 may still be starting its server: connection refusals are retried until the timeout.
  auto deadline = Clock::now() + options_.timeout;
  connectUntil(deadline);
  handshake(deadline);
}

void StoreClient::connectUntil(Clock::time_point deadline) {
  std::string lastError = "no address";
  while (true) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    std::string port = std::to_string(options_.port);
    int rc = getaddrinfo(options_.host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0) fail(std::string("cannot resolve the host: ") + gai_strerror(rc));
    for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
      int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
      if (fd < 0) {
        lastError = strerror(errno);
        continue;
      }
      int flags = fcntl(fd, F_GETFL, 0);
      fcntl(fd, F_SETFL, flags | O_NONBLOCK);
      int err = 0;
      if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        err = errno;
        if (err == EINPROGRESS) {
          pollfd p{fd, POLLOUT, 0};
          int ready = ::poll(&p, 1, msUntil(deadline));
          if (ready == 1) {
            socklen_t len = sizeof(err);
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
          } else {
            err = ETIMEDOUT;
          }
        }
      }
      if (err == 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        freeaddrinfo(found);
        fd_ = fd;
        return;
      }
      lastError = strerror(err);
      ::close(fd);
    }
    freeaddrinfo(found);
    if (msUntil(deadline) == 0) {
      fail("could not connect within " + std::to_string(options_.timeout.count()) +
           " ms (last error: " + lastError + "); is rank 0 running?");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(100, msUntil(deadline))));
  }
}

void StoreClient::handshake(Clock::time_point deadline) {
  std::vector<char> hello;
  putU32(hello, kMagic);
  putU32(hello, kProtocolVersion);
  putBytes(hello, options_.secret.data(), options_.secret.size());
  sendAll(hello, deadline);
  uint8_t status = recvStatus(deadline);
  if (status != kStatusOk) fail("handshake refused: " + statusName(status));
}

void StoreClient::sendAll(const std::vector<char>& bytes, Clock::time_point deadline) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, msUntil(deadline)) <= 0) fail("timed out sending a request");
      continue;
    }
    fail(std::string("send failed: ") + strerror(errno));
  }
}

void StoreClient::recvAll(char* out, size_t length, Clock::time_point deadline) {
  size_t got = 0;
  while (got < length) {
    ssize_t n = ::recv(fd_, out + got, length - got, 0);
    if (n > 0) {
      got += static_cast<size_t>(n);
      continue;
    }
    if (n == 0) fail("the store closed the connection");
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, msUntil(deadline)) <= 0) fail("timed out waiting for a reply");
      continue;
    }
    fail(std::string("recv failed: ") + strerror(errno));
  }
}

uint8_t StoreClient::recvStatus(Clock::time_point deadline) {
  char status = 0;
  recvAll(&status, 1, deadline);
  return static_cast<uint8_t>(status);
}

uint32_t StoreClient::recvU32(Clock::time_point deadline) {
  unsigned char b[4];
  recvAll(reinterpret_cast<char*>(b), 4, deadline);
  return static_cast<uint32_t>(b[0]) | (static_cast<uint32_t>(b[1]) << 8) |
         (static_cast<uint32_t>(b[2]) << 16) | (static_cast<uint32_t>(b[3]) << 24);
}

void StoreClient::set(const std::string& key, const std::vector<char>& data) {
  std::string full = prefixed(key);
  if (data.size() > kMaxValueBytes) {
    fail("value of '" + full + "' is " + std::to_string(data.size()) + " bytes, at most " +
         std::to_string(kMaxValueBytes) + " allowed");
  }
  ensureConnected();
  auto deadline = Clock::now() + options_.timeout;
  std::vector<char> request;
  request.reserve(1 + 8 + full.size() + data.size());
  request.push_back(static_cast<char>(kOpSet));
  putBytes(request, full.data(), full.size());
  putBytes(request, data.data(), data.size());
  sendAll(request, deadline);
  uint8_t status = recvStatus(deadline);
  if (status != kStatusOk) fail("SET '" + full + "' failed: " + statusName(status));
}

std::vector<char> StoreClient::get(const std::string& key) {
  std::string full = prefixed(key);
  ensureConnected();
  auto deadline = Clock::now() + options_.timeout + kReplyGrace;
  std::vector<char> request;
  request.push_back(static_cast<char>(kOpGet));
  putBytes(request, full.data(), full.size());
  putU32(request, clampMs(options_.timeout));
  sendAll(request, deadline);
  uint8_t status = recvStatus(deadline);
  if (status == kStatusTimeout) {
    fail("GET '" + full + "' timed out after " + std::to_string(options_.timeout.count()) +
         " ms: a rank did not publish its address (did every rank start?)");
  }
  if (status != kStatusOk) fail("GET '" + full + "' failed: " + statusName(status));
  uint32_t length = recvU32(deadline);
  // Bound the allocation by the protocol's limit before trusting the length.
  if (length > kMaxValueBytes) fail("GET '" + full + "': the reply claims " + std::to_string(length) + " bytes");
  std::vector<char> value(length);
  if (length > 0) recvAll(value.data(), length, deadline);
  return value;
}

void StoreClient::wait(const std::vector<std::string>& keys) { wait(keys, options_.timeout); }

void StoreClient::wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) {
  ensureConnected();
  auto deadline = Clock::now() + timeout + kReplyGrace;
  std::vector<char> request;
  request.push_back(static_cast<char>(kOpWait));
  putU32(request, static_cast<uint32_t>(keys.size()));
  std::string names;
  for (const auto& key : keys) {
    std::string full = prefixed(key);
    putBytes(request, full.data(), full.size());
    if (names.size() < 200) names += (names.empty() ? "'" : ", '") + full + "'";
  }
  putU32(request, clampMs(timeout));
  sendAll(request, deadline);
  uint8_t status = recvStatus(deadline);
  if (status == kStatusTimeout) {
    fail("WAIT for " + names + " timed out after " + std::to_string(timeout.count()) +
         " ms: a rank did not publish its address (did every rank start?)");
  }
  if (status != kStatusOk) fail("WAIT for " + names + " failed: " + statusName(status));
}

}  // namespace ner_gloo
