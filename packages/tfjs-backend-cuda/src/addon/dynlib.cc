#include "dynlib.h"

#include <dlfcn.h>
#include <glob.h>
#include <link.h>
#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <set>

namespace ner::cuda {

namespace {

std::vector<std::string> globDirs(const std::string &pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (glob(pattern.c_str(), GLOB_ONLYDIR | GLOB_NOSORT, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; i++) out.emplace_back(g.gl_pathv[i]);
  }
  globfree(&g);
  return out;
}

std::string env(const char *name) {
  const char *v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

/**
 * Python site-packages folders likely to hold NVIDIA's wheels (PyTorch depends on them:
 * nvidia/cublas/lib, nvidia/cuda_nvrtc/lib for CUDA 12, nvidia/cu13/lib for CUDA 13). Scanned
 * with glob rather than asking python3, which would take a second at every start.
 */
std::vector<std::string> wheelLibDirs() {
  std::vector<std::string> sites;
  const std::string venv = env("VIRTUAL_ENV"), conda = env("CONDA_PREFIX"), home = env("HOME");
  if (!venv.empty()) sites.push_back(venv + "/lib/python3*/site-packages");
  if (!conda.empty()) sites.push_back(conda + "/lib/python3*/site-packages");
  if (!home.empty()) sites.push_back(home + "/.local/lib/python3*/site-packages");
  sites.push_back("/usr/local/lib/python3*/dist-packages");
  sites.push_back("/usr/local/lib/python3*/site-packages");
  sites.push_back("/usr/lib/python3/dist-packages");
  sites.push_back("/usr/lib/python3*/site-packages");
  sites.push_back("/opt/conda/lib/python3*/site-packages");
  std::vector<std::string> dirs;
  std::set<std::string> seen;
  for (const auto &pattern : sites) {
    for (const auto &site : globDirs(pattern)) {
      for (const auto &dir : globDirs(site + "/nvidia/*/lib")) {
        if (seen.insert(dir).second) dirs.push_back(dir);
      }
    }
  }
  return dirs;
}

bool isFile(const std::string &path) {
  struct stat st{};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

/** The file a handle was loaded from (the loader resolves a bare soname to a path). */
std::string handlePath(void *handle, const std::string &fallback) {
  struct link_map *map = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) == 0 && map && map->l_name && map->l_name[0]) return map->l_name;
  return fallback;
}

Library tryPath(const std::string &path, std::string &lastError) {
  Library lib;
  if (!isFile(path)) return lib;
  lib.handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (lib.handle) {
    lib.path = handlePath(lib.handle, path);
  } else {
    const char *e = dlerror();
    lastError = e ? e : "dlopen failed";
  }
  return lib;
}

}  // namespace

Library openLibrary(const std::vector<std::string> &names, bool isDriver, std::string &whyNot) {
  std::string lastError;
  std::vector<std::string> searched;

  // 1. Already in the process (PyTorch or another addon loaded it): share that copy.
  for (const auto &name : names) {
    void *h = dlopen(name.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (h) return Library{h, handlePath(h, name)};
  }
  searched.push_back("already loaded");

  // 2. NER_CUDA_LIB_DIR (one folder or a colon-separated list).
  const std::string libDir = env("NER_CUDA_LIB_DIR");
  if (!libDir.empty()) {
    size_t start = 0;
    while (start <= libDir.size()) {
      const size_t end = libDir.find(':', start);
      const std::string dir = libDir.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (!dir.empty()) {
        for (const auto &name : names) {
          Library lib = tryPath(dir + "/" + name, lastError);
          if (lib.handle) return lib;
        }
      }
      if (end == std::string::npos) break;
      start = end + 1;
    }
    searched.push_back("NER_CUDA_LIB_DIR=" + libDir);
  } else {
    searched.push_back("NER_CUDA_LIB_DIR (unset)");
  }

  // 3. Python wheels (not for the driver: libcuda comes with the kernel driver, never a wheel).
  if (!isDriver) {
    const auto dirs = wheelLibDirs();
    for (const auto &dir : dirs) {
      for (const auto &name : names) {
        Library lib = tryPath(dir + "/" + name, lastError);
        if (lib.handle) return lib;
      }
    }
    searched.push_back(std::to_string(dirs.size()) + " Python wheel folder(s) nvidia/*/lib");
  }

  // 4. The system loader (LD_LIBRARY_PATH, ld.so.cache, /usr/lib...).
  for (const auto &name : names) {
    void *h = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (h) return Library{h, handlePath(h, name)};
    const char *e = dlerror();
    if (e) lastError = e;
  }
  searched.push_back("the system loader");

  // 5. CUDA_HOME / CUDA_PATH / /usr/local/cuda (and WSL's driver folder for libcuda).
  std::vector<std::string> roots;
  for (const char *var : {"CUDA_HOME", "CUDA_PATH"}) {
    const std::string root = env(var);
    if (!root.empty()) roots.push_back(root + "/lib64");
  }
  roots.push_back("/usr/local/cuda/lib64");
  if (isDriver) roots.push_back("/usr/lib/wsl/lib");
  for (const auto &dir : roots) {
    for (const auto &name : names) {
      Library lib = tryPath(dir + "/" + name, lastError);
      if (lib.handle) return lib;
    }
    searched.push_back(dir);
  }

  std::string list;
  for (const auto &name : names) list += (list.empty() ? "" : " or ") + name;
  std::string where;
  for (const auto &s : searched) where += (where.empty() ? "" : ", ") + s;
  whyNot = list + " not found (searched: " + where + ")";
  if (!lastError.empty() && lastError.find("No such file") == std::string::npos &&
      lastError.find("cannot open shared object") == std::string::npos) {
    whyNot += "; last loader error: " + lastError;
  }
  return Library{};
}

std::string preloadBeside(const Library &lib, const std::string &name) {
  if (lib.path.empty()) return "";
  std::vector<std::string> folders;
  const auto folderOf = [](const std::string &path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
  };
  folders.push_back(folderOf(lib.path));
  char resolved[PATH_MAX];
  if (realpath(lib.path.c_str(), resolved)) folders.push_back(folderOf(resolved));
  for (const auto &folder : folders) {
    if (folder.empty()) continue;
    const std::string path = folder + "/" + name;
    if (!isFile(path)) continue;
    // Never closed: the library that needs it may dlopen it at any later call.
    if (dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL)) return path;
  }
  return "";
}

void *findSymbol(const Library &lib, const char *name) {
  return lib.handle ? dlsym(lib.handle, name) : nullptr;
}

}  // namespace ner::cuda
