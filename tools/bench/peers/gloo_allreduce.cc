// Peer for the all-reduce bench (tools/bench/allreduce*.mjs): the same all-reduce as
// @ner/accelerate's gloo engine, straight from C++ against Debian's libgloo, so the bench can
// print our bandwidth as a ratio of gloo's own.
//
// Build:  node tools/bench/peers/gloo_peer.mjs --build      (prints the binary's path)
//         or: g++ -O2 -std=c++17 -o gloo_allreduce tools/bench/peers/gloo_allreduce.cc -lgloo -lpthread
// Run one process per rank, all with the same --store-dir (an empty temp folder; gloo's FileStore
// does the rendezvous there):
//   gloo_allreduce --rank R --world-size N --store-dir DIR [--bytes 16777216] [--iterations 20]
//                  [--warmup 3] [--hostname 127.0.0.1] [--timeout-ms 60000]
// or let `node tools/bench/peers/gloo_peer.mjs --world-size N` start them all.
// Each iteration: a barrier (not timed), then one timed in-place float32 sum all-reduce of
// --bytes (default 16 MiB); the data is reset between iterations (not timed) and checked after
// the last. Rank r prints one JSON line:
//   {"peer":"gloo-cpp","rank":r,"worldSize":N,"bytes":B,"iterationsMs":[...],"medianMs":m,"check":"ok"}
// Exit code 0 on success, 1 on a failed check or a gloo error (printed to stderr).
#include <gloo/allreduce.h>
#include <gloo/barrier.h>
#include <gloo/math.h>
#include <gloo/rendezvous/context.h>
#include <gloo/rendezvous/file_store.h>
#include <gloo/transport/tcp/device.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Options {
  int rank = -1;
  int worldSize = -1;
  std::string storeDir;
  size_t bytes = 16 * 1024 * 1024;
  int iterations = 20;
  int warmup = 3;
  std::string hostname = "127.0.0.1";
  long timeoutMs = 60000;
};

[[noreturn]] void usage(const std::string& problem) {
  std::cerr << "gloo_allreduce: " << problem
            << "\nusage: gloo_allreduce --rank R --world-size N --store-dir DIR [--bytes B] [--iterations I]"
               " [--warmup W] [--hostname H] [--timeout-ms T]\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; i++) {
    std::string flag = argv[i];
    if (i + 1 >= argc) usage("missing value for " + flag);
    std::string value = argv[++i];
    if (flag == "--rank") o.rank = std::stoi(value);
    else if (flag == "--world-size") o.worldSize = std::stoi(value);
    else if (flag == "--store-dir") o.storeDir = value;
    else if (flag == "--bytes") o.bytes = std::stoull(value);
    else if (flag == "--iterations") o.iterations = std::stoi(value);
    else if (flag == "--warmup") o.warmup = std::stoi(value);
    else if (flag == "--hostname") o.hostname = value;
    else if (flag == "--timeout-ms") o.timeoutMs = std::stol(value);
    else usage("unknown flag " + flag);
  }
  if (o.worldSize < 1 || o.rank < 0 || o.rank >= o.worldSize) usage("bad --rank/--world-size");
  if (o.storeDir.empty()) usage("--store-dir is required");
  if (o.bytes < 4 || o.bytes % 4 != 0 || o.bytes > (size_t{1} << 32)) usage("--bytes must be a multiple of 4, at most 4 GiB");
  if (o.iterations < 1 || o.warmup < 0) usage("bad --iterations/--warmup");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  try {
    gloo::transport::tcp::attr attr;
    attr.hostname = o.hostname;
    auto device = gloo::transport::tcp::CreateDevice(attr);
    auto context = std::make_shared<gloo::rendezvous::Context>(o.rank, o.worldSize);
    context->setTimeout(std::chrono::milliseconds(o.timeoutMs));
    gloo::rendezvous::FileStore store(o.storeDir);
    context->connectFullMesh(store, device);

    const size_t count = o.bytes / sizeof(float);
    std::vector<float> data(count);
    const float mine = static_cast<float>(o.rank + 1);
    const float expected = static_cast<float>(o.worldSize * (o.worldSize + 1) / 2);
    uint32_t tag = 1;
    std::vector<double> times;
    for (int i = 0; i < o.warmup + o.iterations; i++) {
      std::fill(data.begin(), data.end(), mine);
      gloo::BarrierOptions barrier(context);
      barrier.setTag(tag++);
      gloo::barrier(barrier);
      auto start = std::chrono::steady_clock::now();
      gloo::AllreduceOptions opts(context);
      opts.setOutput(data.data(), count);
      opts.setReduceFunction(static_cast<void (*)(void*, const void*, const void*, size_t)>(&gloo::sum<float>));
      opts.setTag(tag++);
      gloo::allreduce(opts);
      auto end = std::chrono::steady_clock::now();
      if (i >= o.warmup) times.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    }
    const bool ok = std::all_of(data.begin(), data.end(), [&](float v) { return v == expected; });
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    std::ostringstream json;
    json << "{\"peer\":\"gloo-cpp\",\"rank\":" << o.rank << ",\"worldSize\":" << o.worldSize
         << ",\"bytes\":" << o.bytes << ",\"iterationsMs\":[";
    for (size_t i = 0; i < times.size(); i++) json << (i ? "," : "") << times[i];
    json << "],\"medianMs\":" << sorted[sorted.size() / 2] << ",\"check\":\"" << (ok ? "ok" : "wrong sum") << "\"}";
    std::cout << json.str() << std::endl;
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "gloo_allreduce rank " << o.rank << ": " << e.what() << std::endl;
    return 1;
  }
}
