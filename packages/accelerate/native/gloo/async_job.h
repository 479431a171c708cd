// One promise-returning call whose work runs on libuv's thread pool (napi_async_work), so the
// main thread keeps serving its event loop — rank 0's rendezvous store lives there.
#pragma once

#include <node_api.h>

#include <functional>
#include <string>
#include <vector>

namespace ner_gloo {

struct AsyncJob {
  // Runs on a pool thread; must not touch napi. Throwing rejects the promise with the message.
  std::function<void()> execute;
  // Runs on the main thread after a successful execute; returns the resolved value (null: undefined).
  std::function<napi_value(napi_env)> resolveWith;
  // Keeps the JavaScript objects whose memory `execute` reads or writes alive until the end.
  std::vector<napi_ref> keepAlive;

  napi_deferred deferred = nullptr;
  napi_async_work work = nullptr;
  std::string error;
};

// Queues `job` (ownership passes to the queue) and returns its promise. On failure to queue, the
// job is freed and a pending JS exception is left; the return value is then null.
napi_value queueJob(napi_env env, AsyncJob* job, const char* name);

// Adds a strong reference to `value` to the job.
bool keepAlive(napi_env env, AsyncJob* job, napi_value value);

}  // namespace ner_gloo
