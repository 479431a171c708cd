#include "async_job.h"

#include <exception>

namespace ner_gloo {
namespace {

void executeJob(napi_env /*env*/, void* data) {
  auto* job = static_cast<AsyncJob*>(data);
  try {
    job->execute();
  } catch (const std::exception& e) {
    job->error = e.what();
    if (job->error.empty()) job->error = "unknown error";
  } catch (...) {
    job->error = "unknown error (non-standard exception)";
  }
}

void releaseRefs(napi_env env, AsyncJob* job) {
  for (napi_ref ref : job->keepAlive) napi_delete_reference(env, ref);
  job->keepAlive.clear();
}

void completeJob(napi_env env, napi_status status, void* data) {
  auto* job = static_cast<AsyncJob*>(data);
  releaseRefs(env, job);
  if (status == napi_cancelled && job->error.empty()) job->error = "cancelled";
  if (job->error.empty()) {
    napi_value value = nullptr;
    if (job->resolveWith) value = job->resolveWith(env);
    if (value == nullptr) napi_get_undefined(env, &value);
    napi_resolve_deferred(env, job->deferred, value);
  } else {
    napi_value message;
    napi_value error;
    napi_create_string_utf8(env, job->error.c_str(), job->error.size(), &message);
    napi_create_error(env, nullptr, message, &error);
    napi_reject_deferred(env, job->deferred, error);
  }
  napi_delete_async_work(env, job->work);
  delete job;
}

}  // namespace

bool keepAlive(napi_env env, AsyncJob* job, napi_value value) {
  napi_ref ref;
  if (napi_create_reference(env, value, 1, &ref) != napi_ok) return false;
  job->keepAlive.push_back(ref);
  return true;
}

napi_value queueJob(napi_env env, AsyncJob* job, const char* name) {
  napi_value promise = nullptr;
  napi_value resourceName;
  bool ok = napi_create_promise(env, &job->deferred, &promise) == napi_ok &&
            napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resourceName) == napi_ok &&
            napi_create_async_work(env, nullptr, resourceName, executeJob, completeJob, job,
                                   &job->work) == napi_ok &&
            napi_queue_async_work(env, job->work) == napi_ok;
  if (ok) return promise;
  if (job->work != nullptr) napi_delete_async_work(env, job->work);
  if (job->deferred != nullptr) {
    napi_value message;
    napi_value error;
    napi_create_string_utf8(env, "could not queue the work", NAPI_AUTO_LENGTH, &message);
    napi_create_error(env, nullptr, message, &error);
    napi_reject_deferred(env, job->deferred, error);
  }
  releaseRefs(env, job);
  delete job;
  napi_throw_error(env, nullptr, "@ner/accelerate gloo: could not queue async work");
  return nullptr;
}

}  // namespace ner_gloo
