// Finding and opening the CUDA libraries at run time (dlopen), in the order the README gives:
// already loaded, NER_CUDA_LIB_DIR, Python wheels' nvidia/*/lib folders, the system loader,
// CUDA_HOME and /usr/local/cuda.
#pragma once

#include <string>
#include <vector>

namespace ner::cuda {

/** An opened shared library: its dlopen handle and the path it was found at. */
struct Library {
  void *handle = nullptr;
  std::string path;
};

/**
 * Opens the first of `names` (most preferred first, e.g. libcublasLt.so.13 then .so.12) found
 * along the search order. On failure returns a Library with a null handle and sets `whyNot` to
 * one line naming every place searched.
 */
Library openLibrary(const std::vector<std::string> &names, bool isDriver, std::string &whyNot);

/**
 * Loads `name` from the folder `lib` was found in (and, when `lib.path` is a symbolic link, the
 * folder of its target), and keeps it loaded for the process. For a library that dlopens a
 * companion by soname at run time, e.g. NVRTC's libnvrtc-builtins.so.X.Y: the loader finds the
 * companion only on its own search path, which a Python wheel's or NER_CUDA_LIB_DIR's folder is
 * not, while a copy already loaded matches by soname. Returns the path loaded, or "" if none.
 */
std::string preloadBeside(const Library &lib, const std::string &name);

/** dlsym, or nullptr. */
void *findSymbol(const Library &lib, const char *name);

/** Binds `slot` to the symbol `name`; when absent, appends the name to `missing` (", "-separated). */
template <typename Fn>
bool bindSymbol(const Library &lib, Fn &slot, const char *name, std::string &missing) {
  slot = reinterpret_cast<Fn>(findSymbol(lib, name));
  if (!slot) missing += (missing.empty() ? "" : ", ") + std::string(name);
  return slot != nullptr;
}

// Binds `api.name` to the library's symbol of that name, or (NER_BIND_AS) to `symbol`, a versioned
// entry point such as cuMemAlloc_v2; for functions with `lib` and `missing` in scope.
#define NER_BIND(api, name) ::ner::cuda::bindSymbol(lib, (api).name, #name, missing)
#define NER_BIND_AS(api, name, symbol) ::ner::cuda::bindSymbol(lib, (api).name, symbol, missing)

}  // namespace ner::cuda
