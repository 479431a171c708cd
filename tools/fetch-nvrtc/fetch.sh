#!/usr/bin/env bash
# Fetches Debian's NVRTC (non-free: libnvrtc + libnvrtc-builtins) into DEST without installing
# it or touching the system's apt state, and prints the folder holding libnvrtc.so.*.
# NVRTC needs no GPU, so with it the cuda backend's NVRTC path (test/native/kernel-compile.test.ts,
# via NER_TEST_NVRTC_DIR) compiles every kernel on a machine without one. CI runs this; it may fail
# (no network, not Debian) and then that test skips, as before.
#   usage: bash tools/fetch-nvrtc/fetch.sh DEST   (DEST e.g. node_modules/.cache/ner-nvrtc)
set -euo pipefail
dest=${1:?usage: fetch.sh DEST}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
lib="$dest/root/usr/lib/x86_64-linux-gnu"
if compgen -G "$lib/libnvrtc.so.*" >/dev/null && compgen -G "$lib/libnvrtc-builtins.so.*" >/dev/null; then
  echo "$lib"
  exit 0
fi
command -v apt-get >/dev/null || { echo "fetch-nvrtc: no apt-get (not Debian)" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || { echo "fetch-nvrtc: only x86_64 is wired up" >&2; exit 1; }
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$codename" ] || { echo "fetch-nvrtc: no VERSION_CODENAME in /etc/os-release" >&2; exit 1; }

work="$dest/apt"
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
cat >"$work/sources.list" <<SOURCES
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $codename non-free
SOURCES
# Private lists, cache and sources: the system's apt configuration and state are left as they are.
opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o Dir::Etc::sourceparts=-
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o APT::Sandbox::User=root
  -o Debug::NoLocking=1 -qq)
apt-get "${opts[@]}" update >&2
# The package names carry the version (libnvrtc11.2 + libnvrtc-builtins11.8 in bookworm,
# libnvrtc12 + libnvrtc-builtins12.4 in trixie): take whatever the release has.
mapfile -t packages < <(apt-cache "${opts[@]}" pkgnames libnvrtc | grep -E '^libnvrtc(-builtins)?[0-9.]+$' | sort)
[ "${#packages[@]}" -ge 2 ] || { echo "fetch-nvrtc: no libnvrtc packages in $codename non-free" >&2; exit 1; }
(cd "$work/debs" && apt-get "${opts[@]}" download "${packages[@]}" >&2)
for deb in "$work/debs"/*.deb; do dpkg-deb -x "$deb" "$dest/root"; done
rm -rf "$work"
compgen -G "$lib/libnvrtc.so.*" >/dev/null || { echo "fetch-nvrtc: no libnvrtc.so.* in ${packages[*]}" >&2; exit 1; }
echo "$lib"
