#!/usr/bin/env bash
# Builds tools/gpu-check/payload/ (git-ignored, never committed) for tools/gpu-check/run.sh on the
# lent GPU machine, which has no Node, no node_modules and no network, and receives only the
# repository tree plus the carried payload (64 MiB in all). Runs HERE, before the device call:
#
#   bash tools/gpu-check/pack.sh [--no-build] [--no-reference (keep the reference measured before)]
#
#   1. builds the packages the checks import (pnpm; --no-build uses the dist/ folders as they are)
#   2. node.xz         this machine's node binary, xz -9 (reused while the binary is unchanged)
#   3. cuda/           the bundled checks and benches (bundle.mjs: tfjs-core, the cpu backend and the
#                      @ner packages inside), laid out like the cuda package: dist/, build/Release/*.node,
#                      build/ner_kernels.fatbin, src/cu/ (for NVRTC)
#   4. shared/         the few fixtures the checks read, copied from ../shared (NER_SHARED_DIR):
#                      data/conll2003/{train,validation}.txt, data/tokenizers/bert-base-cased,
#                      oracle/models. The repo rule "never copy shared data into the repo" holds:
#                      payload/ is ignored by git and exists only to be carried.
#   5. reference/      the main job's and examples/conll2003-accelerate's metrics on `native` here,
#                      same seed (the F1s the GPU run is held to)
#   6. manifest.json   git commit and dirty paths, versions, sizes, what was missing
# Fails when the payload is over 60 MiB.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
PAYLOAD=$REPO/tools/gpu-check/payload
SHARED=${NER_SHARED_DIR:-$REPO/../shared}
LIMIT_BYTES=$((60 * 1024 * 1024))
BUILD=1
REFERENCE=1
for arg in "$@"; do
  case $arg in
  --no-build) BUILD=0 ;;
  --no-reference) REFERENCE=0 ;;
  *)
    echo "pack.sh: unknown option $arg" >&2
    exit 2
    ;;
  esac
done
NOTES=()
note() {
  echo "pack.sh: $*" >&2
  NOTES+=("$*")
}
mkdir -p "$PAYLOAD"
TMP=$(mktemp -d /tmp/ner-gpu-pack.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# 1. Build.
if [ "$BUILD" = 1 ]; then
  echo "== building the packages the checks import (turbo, dependencies first)"
  # turbo, as CI's build: its graph leaves out peer dependencies, so the optional peer links back
  # to @ner/tfjs-backend-cuda (from @ner/models and @ner/accelerate) make no cycle. pnpm's own
  # recursive run saw one and could build @ner/accelerate while @ner/models' dist/ was rewritten.
  if ! npx -y pnpm@10.34.8 exec turbo run build --filter='@ner-examples/conll2003-trainer...' \
    --filter='@ner/tfjs-backend-cuda...' >"$TMP/build.log" 2>&1; then
    tail -20 "$TMP/build.log" >&2
    note "the build failed (packed the dist/ folders as they are): $(grep -m1 -iE 'error|failed|cannot' "$TMP/build.log" | cut -c1-200)"
  fi
fi

# 2. Node.
NODE_BIN=$(readlink -f "$(command -v node)")
NODE_STAMP="$("$NODE_BIN" --version) $(stat -c '%s %Y' "$NODE_BIN") $NODE_BIN"
if [ -f "$PAYLOAD/node.xz" ] && [ "$(cat "$PAYLOAD/node.stamp" 2>/dev/null)" = "$NODE_STAMP" ]; then
  echo "== node.xz is up to date ($NODE_STAMP)"
else
  echo "== compressing $NODE_BIN ($(stat -c %s "$NODE_BIN") bytes, xz -9e; about a minute)"
  xz -9e -T0 -c "$NODE_BIN" >"$PAYLOAD/node.xz.tmp"
  mv "$PAYLOAD/node.xz.tmp" "$PAYLOAD/node.xz"
  echo "$NODE_STAMP" >"$PAYLOAD/node.stamp"
fi

# 3. Bundles and the cuda package's build outputs.
echo "== bundling"
rm -rf "$PAYLOAD/cuda"
node tools/gpu-check/bundle.mjs "$PAYLOAD/cuda" >"$TMP/bundle.json"
cat "$TMP/bundle.json"
CUDA_PKG=$REPO/packages/tfjs-backend-cuda
mkdir -p "$PAYLOAD/cuda/build/Release" "$PAYLOAD/cuda/src"
if compgen -G "$CUDA_PKG/build/Release/*.node" >/dev/null; then
  cp "$CUDA_PKG"/build/Release/*.node "$PAYLOAD/cuda/build/Release/"
else
  note "no cuda addon: $CUDA_PKG/build/Release/*.node is missing (the probe will say 'addon not built')"
fi
if compgen -G "$CUDA_PKG/build/*.fatbin" >/dev/null; then
  cp "$CUDA_PKG"/build/*.fatbin "$PAYLOAD/cuda/build/"
else
  note "no fatbin: $CUDA_PKG/build/*.fatbin is missing (kernels will be compiled with NVRTC on the GPU machine)"
fi
if [ -d "$CUDA_PKG/src/cu" ]; then
  cp -r "$CUDA_PKG/src/cu" "$PAYLOAD/cuda/src/cu"
else
  note "no kernel sources: $CUDA_PKG/src/cu is missing"
fi
# Node-API's C headers, for ensure-addon.sh to rebuild the addon on a GPU machine whose glibc or
# libstdc++ is older than this machine's (the addon's sources travel with the tree).
NAPI_DIR=""
for dir in "$(dirname "$(dirname "$NODE_BIN")")/include/node" "$HOME/.cache/node-gyp/$(node --version | tr -d v)/include/node"; do
  [ -f "$dir/node_api.h" ] && NAPI_DIR=$dir && break
done
rm -rf "$PAYLOAD/napi-include"
if [ -n "$NAPI_DIR" ]; then
  mkdir -p "$PAYLOAD/napi-include"
  cp "$NAPI_DIR"/node_api.h "$NAPI_DIR"/node_api_types.h "$NAPI_DIR"/js_native_api.h "$NAPI_DIR"/js_native_api_types.h \
    "$PAYLOAD/napi-include/"
else
  note "no Node-API headers found: the addon cannot be rebuilt on the GPU machine if it does not load there"
fi

# 4. Fixtures.
echo "== fixtures from $SHARED"
rm -rf "$PAYLOAD/shared"
mkdir -p "$PAYLOAD/shared/data/conll2003" "$PAYLOAD/shared/data/tokenizers" "$PAYLOAD/shared/oracle"
cp "$SHARED/data/conll2003/train.txt" "$SHARED/data/conll2003/validation.txt" "$PAYLOAD/shared/data/conll2003/"
cp -r "$SHARED/data/tokenizers/bert-base-cased" "$PAYLOAD/shared/data/tokenizers/"
cp -r "$SHARED/oracle/models" "$PAYLOAD/shared/oracle/"
chmod -R u+w "$PAYLOAD/shared"

# 5. The main job on `native` here: the F1 the cuda run should match (same seed, same data).
mkdir -p "$PAYLOAD/reference"
if [ "$REFERENCE" = 1 ]; then
  rm -f "$PAYLOAD/reference/trainer-native.json"
  echo "== the main job on native here (reference F1; about 4 minutes on 2 cores)"
  if (cd examples/conll2003-trainer && NER_BACKEND=native timeout 600 node_modules/.bin/tsx src/main.ts \
    --output "$TMP/trainer-native") >"$TMP/trainer-native.log" 2>&1; then
    python3 tools/gpu-check/report.py trainer-result "$TMP/trainer-native.log" "$TMP/trainer-native" >"$TMP/ref.json"
    python3 - "$TMP/ref.json" "$PAYLOAD/reference/trainer-native.json" "$(uname -m) $(nproc) cores" <<'EOF'
import datetime, json, sys
ref = json.load(open(sys.argv[1]))
ref["measuredAt"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
ref["machine"] = sys.argv[3]
ref["command"] = "cd examples/conll2003-trainer && NER_BACKEND=native tsx src/main.ts (defaults: all 14041 training sentences plus 2 augmented copies, 2 epochs, all 3250 validation sentences, seed 42)"
json.dump(ref, open(sys.argv[2], "w"), indent=1)
EOF
    echo "reference: $(cat "$PAYLOAD/reference/trainer-native.json" | python3 -c 'import json,sys; r=json.load(sys.stdin); print({k: r.get(k) for k in ("backend", "eval_f1", "eval_loss", "train_runtime")})')"
  else
    tail -5 "$TMP/trainer-native.log" >&2
    note "the native reference run of the main job failed: $(tail -1 "$TMP/trainer-native.log" | cut -c1-200)"
  fi
fi

# examples/conll2003-accelerate on `native`, one process, its defaults: the F1 the cuda run of the
# same is held to (under a minute).
if [ "$REFERENCE" = 1 ]; then
  rm -f "$PAYLOAD/reference/accelerate-native.json"
  echo "== examples/conll2003-accelerate on native here, one process (reference F1)"
  if (cd examples/conll2003-accelerate && NER_BACKEND=native timeout 600 node_modules/.bin/tsx src/main.ts \
    --output "$TMP/accelerate-native") >"$TMP/accelerate-native.log" 2>&1; then
    python3 tools/gpu-check/report.py accelerate-result "$TMP/accelerate-native.log" "$TMP/accelerate-native" \
      --stamp "cd examples/conll2003-accelerate && NER_BACKEND=native tsx src/main.ts (one process; defaults: 1000 train, 200 validation sentences, 2 epochs, seed 42)" \
      >"$PAYLOAD/reference/accelerate-native.json"
    echo "reference: $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print({k: r.get(k) for k in ("backend", "eval_f1", "wallSeconds")})' "$PAYLOAD/reference/accelerate-native.json")"
  else
    tail -5 "$TMP/accelerate-native.log" >&2
    note "the native reference run of examples/conll2003-accelerate failed: $(tail -1 "$TMP/accelerate-native.log" | cut -c1-200)"
  fi
fi

# 6. Manifest.
python3 - "$PAYLOAD" "$TMP/bundle.json" "$NODE_BIN" "${NOTES[@]+"${NOTES[@]}"}" <<'EOF'
import datetime, hashlib, json, os, subprocess, sys
payload, bundle_file, node_bin, notes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]

def out(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
    except Exception as error:  # a missing tool is a note, not a failure
        return f"unavailable: {error}"

def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()

files = {}
for root, _, names in os.walk(payload):
    for name in names:
        p = os.path.join(root, name)
        rel = os.path.relpath(p, payload)
        if rel.startswith(("cuda/build/", "node.xz")):
            files[rel] = {"bytes": os.path.getsize(p), "sha256": sha(p)}
fatbins = [f for f in files if f.endswith(".fatbin")]
archs = out("cuobjdump", "--list-elf", os.path.join(payload, fatbins[0])) if fatbins else None
dirty = [l for l in out("git", "status", "--porcelain", "--", "packages", "examples", "tools").splitlines() if "tools/gpu-check/payload" not in l]
manifest = {
    "packedAt": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "git": {
        "commit": out("git", "rev-parse", "HEAD"),
        "subject": out("git", "log", "-1", "--format=%s"),
        "dirtyPaths": len(dirty),
        "dirty": dirty[:40],
    },
    "node": out(node_bin, "--version"),
    "nvccHere": out("nvcc", "--version").splitlines()[-1:] or None,
    "fatbinElf": archs.splitlines() if isinstance(archs, str) else None,
    "bundle": json.load(open(bundle_file)),
    "files": files,
    "notes": notes,
}
json.dump(manifest, open(os.path.join(payload, "manifest.json"), "w"), indent=1)
EOF

# Size.
BYTES=$(du -sb "$PAYLOAD" | cut -f1)
echo "== payload: $PAYLOAD $((BYTES / 1024 / 1024)) MiB ($BYTES bytes; limit $((LIMIT_BYTES / 1024 / 1024)) MiB)"
du -sh "$PAYLOAD"/* | sed 's/^/   /'
TREE=$(git ls-files -z --cached --others --exclude-standard | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
echo "== the working tree that travels with it: about $((TREE / 1024 / 1024)) MiB; together $(((TREE + BYTES) / 1024 / 1024)) MiB of the device tool's 64 MiB"
for n in "${NOTES[@]+"${NOTES[@]}"}"; do echo "note: $n"; done
if ((BYTES > LIMIT_BYTES)); then
  echo "pack.sh: the payload is over 60 MiB" >&2
  exit 1
fi
if ((TREE + BYTES > 64 * 1024 * 1024)); then
  echo "pack.sh: the working tree and the payload together are over the device tool's 64 MiB" >&2
  exit 1
fi
echo "ready: device tool run, command \"bash tools/gpu-check/run.sh\", carry [\"tools/gpu-check/payload\"], timeout_s 600"
