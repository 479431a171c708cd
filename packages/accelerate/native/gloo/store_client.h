// A gloo::rendezvous::Store that talks to @ner/accelerate's TCP rendezvous store (the TypeScript
// server rank 0 runs; wire format in src/store/protocol.ts). Gloo's connectFullMesh only needs
// set, get and wait; every call is bounded by a deadline so a store that never answers gives an
// error instead of a hang.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include <gloo/rendezvous/store.h>

namespace ner_gloo {

// Thrown for every store failure; the message names the store's address and the key.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct StoreOptions {
  std::string host;
  int port = 0;
  std::string secret;
  // Prepended to every key as "<prefix>/<key>" (like torch's PrefixStore); empty: none.
  std::string prefix;
  std::chrono::milliseconds timeout{30000};
};

class StoreClient : public gloo::rendezvous::Store {
 public:
  explicit StoreClient(StoreOptions options);
  ~StoreClient() override;
  StoreClient(const StoreClient&) = delete;
  StoreClient& operator=(const StoreClient&) = delete;

  void set(const std::string& key, const std::vector<char>& data) override;
  std::vector<char> get(const std::string& key) override;
  void wait(const std::vector<std::string>& keys) override;
  void wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) override;

 private:
  using Clock = std::chrono::steady_clock;

  std::string where() const;
  std::string prefixed(const std::string& key) const;
  void ensureConnected();
  void connectUntil(Clock::time_point deadline);
  void handshake(Clock::time_point deadline);
  void sendAll(const std::vector<char>& bytes, Clock::time_point deadline);
  void recvAll(char* out, size_t length, Clock::time_point deadline);
  uint8_t recvStatus(Clock::time_point deadline);
  uint32_t recvU32(Clock::time_point deadline);
  void closeSocket();
  [[noreturn]] void fail(const std::string& what);

  StoreOptions options_;
  int fd_ = -1;
};

}  // namespace ner_gloo
