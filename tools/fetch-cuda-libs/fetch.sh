#!/usr/bin/env bash
# Fetches Debian's NVRTC (libnvrtc + libnvrtc-builtins) and cuBLASLt (libcublasLt), non-free, into
# DEST without installing them or touching the system's apt state, and prints the folder that
# holds them. Neither needs a GPU for what the cuda backend's tests do with them, pointed at by
# NER_TEST_CUDA_LIBS_DIR: NVRTC compiles every kernel (test/native/kernel-compile.test.ts,
# kernel-source.test.ts), and cuBLASLt's descriptor calls check every attribute the addon sets
# (test/native/host-stub-device.test.ts). CI runs this; where it fails (no network, not Debian)
# those tests skip.
#   usage: bash tools/fetch-cuda-libs/fetch.sh DEST   (CI: node_modules/.cache/ner-cuda-libs)
set -euo pipefail
dest=${1:?usage: fetch.sh DEST}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
lib="$dest/root/usr/lib/x86_64-linux-gnu"
have() { compgen -G "$lib/$1" >/dev/null; }
if have 'libnvrtc.so.*' && have 'libnvrtc-builtins.so.*' && have 'libcublasLt.so.*'; then
  echo "$lib"
  exit 0
fi
command -v apt-get >/dev/null || { echo "fetch-cuda-libs: no apt-get (not Debian)" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || { echo "fetch-cuda-libs: only x86_64 is wired up" >&2; exit 1; }
host=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")

work="$dest/apt"
# Private lists, cache and sources: the system's apt configuration and state are left as they are.
opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o Dir::Etc::sourceparts=-
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o APT::Sandbox::User=root
  -o Debug::NoLocking=1 -qq)
# Debian 13 (trixie) has CUDA 12.4: libnvrtc.so.12 and libcublasLt.so.12, the sonames the backend
# prefers (12 and 13), and NVIDIA's binaries need only glibc 2.14, so they load on Debian 12 too.
# The host's own release is the fallback (bookworm: CUDA 11.8). FETCH_CUDA_LIBS_RELEASE picks one.
packages=()
for release in ${FETCH_CUDA_LIBS_RELEASE:-trixie $host}; do
  rm -rf "$work"
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $release non-free" \
    >"$work/sources.list"
  apt-get "${opts[@]}" update >&2 || continue
  # The package names carry the version (trixie: libnvrtc12, libnvrtc-builtins12.4, libcublaslt12;
  # bookworm: libnvrtc11.2, libnvrtc-builtins11.8, libcublaslt11).
  mapfile -t packages < <(apt-cache "${opts[@]}" pkgnames lib |
    grep -E '^(libnvrtc(-builtins)?[0-9.]+|libcublaslt[0-9]+)$' | sort)
  [ "${#packages[@]}" -ge 3 ] && break
  echo "fetch-cuda-libs: found only '${packages[*]}' in $release non-free" >&2
  packages=()
done
[ "${#packages[@]}" -ge 3 ] || { echo "fetch-cuda-libs: no release had NVRTC and cuBLASLt" >&2; exit 1; }
(cd "$work/debs" && apt-get "${opts[@]}" download "${packages[@]}" >&2)
for deb in "$work/debs"/*.deb; do dpkg-deb -x "$deb" "$dest/root"; done
rm -rf "$work"
have 'libnvrtc.so.*' && have 'libcublasLt.so.*' || { echo "fetch-cuda-libs: ${packages[*]} lack the libraries" >&2; exit 1; }
echo "$lib"
