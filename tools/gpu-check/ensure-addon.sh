#!/usr/bin/env bash
# Makes sure the carried CUDA addon loads on this (GPU) machine, before the probe.
#
# The payload's ner_cuda.node was built where pack.sh ran (Debian 12: it needs glibc 2.34 and
# GLIBCXX_3.4.29); an older system (RHEL 8's glibc 2.28, say) refuses to load it, and every GPU
# step would then report "addon not loaded". In that case, and only then, this rebuilds it here
# from the addon's sources (they travel with the tree) with this machine's C++ compiler and the
# Node-API headers pack.sh carried, the flags of binding.gyp, and puts it where the bundles load it
# (the carried one is kept as ner_cuda.node.carried). The addon needs no CUDA headers to build.
#
#   usage: ensure-addon.sh NODE PAYLOAD REPO RESULT_JSON
#   GPU_CHECK_REBUILD_ADDON=1 rebuilds even when the carried addon loads (to test this path).
# Exits 0 when an addon loads in the end.
set -uo pipefail
NODE=$1 PAYLOAD=$2 REPO=$3 RESULT=$4
ADDON=$PAYLOAD/cuda/build/Release/ner_cuda.node
SOURCES=$REPO/packages/tfjs-backend-cuda/src/addon
NAPI=$PAYLOAD/napi-include

# load FILE: prints "" when `require` of FILE works, else the first line of its error.
load() {
  "$NODE" -e 'try { require(process.argv[1]); } catch (e) { console.log(String(e.message).split("\n")[0]); }' "$1" 2>&1 | head -c 600
}
result() { # result CARRIED REBUILT [COMPILER]: writes the step's JSON
  python3 - "$RESULT" "$1" "$2" "${3:-}" <<'PY'
import json, sys
path, carried, rebuilt, compiler = sys.argv[1:5]
out = {"carried": carried or "loaded"}
if rebuilt:
    out["rebuilt"] = rebuilt
if compiler:
    out["compiler"] = compiler
json.dump(out, open(path, "w"), indent=1)
PY
}

if [ ! -f "$ADDON" ]; then
  carried="not in the payload: $ADDON"
else
  carried=$(load "$ADDON")
fi
echo "carried addon: ${carried:-loads}"
if [ -z "$carried" ] && [ "${GPU_CHECK_REBUILD_ADDON:-}" != 1 ]; then
  result "" ""
  exit 0
fi
# not_rebuilt WHY [COMPILER]: records why, and exits 0 only if the carried addon loads.
not_rebuilt() {
  result "$carried" "$1" "${2:-}"
  [ -z "$carried" ]
  exit
}

CXX=""
for c in "${CXX_FOR_ADDON:-}" g++ c++ clang++; do
  [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && CXX=$c && break
done
[ -n "$CXX" ] || not_rebuilt "not rebuilt: no C++ compiler (g++, c++, clang++) on this machine"
if [ ! -f "$NAPI/node_api.h" ] || ! compgen -G "$SOURCES/*.cc" >/dev/null; then
  not_rebuilt "not rebuilt: Node-API headers ($NAPI) or addon sources ($SOURCES) missing" "$CXX"
fi
BUILT=$(mktemp -d)/ner_cuda.node
echo "rebuilding the addon with $CXX ($("$CXX" --version 2>&1 | head -1))"
# binding.gyp's flags: C++17 with exceptions, -O2, NAPI_VERSION=8, -ldl -lpthread.
if ! "$CXX" -shared -fPIC -O2 -std=c++17 -fexceptions -DNAPI_VERSION=8 -I"$NAPI" "$SOURCES"/*.cc \
  -o "$BUILT" -ldl -lpthread 2>"$BUILT.log"; then
  cat "$BUILT.log"
  not_rebuilt "build failed: $(head -c 400 "$BUILT.log")" "$CXX"
fi
rebuilt=$(load "$BUILT")
[ -z "$rebuilt" ] || not_rebuilt "built but does not load: $rebuilt" "$CXX"
[ -f "$ADDON" ] && mv "$ADDON" "$ADDON.carried"
mkdir -p "$(dirname "$ADDON")"
cp "$BUILT" "$ADDON"
echo "rebuilt addon loads: $ADDON"
result "$carried" "loaded" "$CXX"
