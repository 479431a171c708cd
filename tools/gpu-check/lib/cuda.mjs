// The `cuda` backend as the checks and benches see it: import @ner/tfjs-backend-cuda, say why it is
// not usable when it is not (not built, no driver, no device), switch to it, and read its counters.
// Written against the package's exports (cudaStatus, getFallbackCounts, setAllowTf32 and the
// backend object) defensively: a counter the package does not offer is reported as missing, never
// guessed.
import { createRequire } from 'node:module';
import { firstLine } from './common.mjs';
import { importCuda, importCudaAddon, tf } from './deps.mjs';
import { registerShimTarget } from './module-shims.mjs';

let loaded = null;

/** Plain JSON of anything the package returns (bigints as strings, functions dropped). */
export function plain(value) {
  try {
    return JSON.parse(
      JSON.stringify(value, (_, v) => {
        if (typeof v === 'bigint') return `0x${v.toString(16)}`;
        if (typeof v === 'function') return undefined;
        if (ArrayBuffer.isView(v)) return `[${v.constructor.name} ${v.length}]`;
        return v;
      }),
    );
  } catch (error) {
    return `unserialisable: ${firstLine(error)}`;
  }
}

/**
 * NER_GPU_CHECK_EMULATOR=<emu.node> (with NER_GPU_CHECK_FAKE_DEVICE=1): the fake device runs its
 * launches on the package's CUDA sources compiled for the host (its test/native/emu), and its
 * products on that build's OpenBLAS sgemm when it has one, so a rehearsal (the main job included)
 * runs the real kernels' code. Build it with buildEmulator(dir, { blas: true }).
 */
function emulatorOptions() {
  const path = process.env.NER_GPU_CHECK_EMULATOR;
  if (!path) return {};
  const { runKernel, runGemm } = createRequire(import.meta.url)(path);
  return { runKernel, runGemm };
}

/**
 * Imports the package once. Resolves `{ module, available, reason, status }`: `available` when a
 * backend named `cuda` was registered; otherwise `reason` is "not built: ..." or the package's own
 * "unavailable: ..." (from cudaStatus()).
 */
export async function loadCuda() {
  if (loaded) return loaded;
  const { module, reason } = await importCuda();
  if (!module) {
    loaded = { module: null, available: false, reason, status: null };
    return loaded;
  }
  // The package starts its probe on import; `cudaReady` (a promise) settles when it is done.
  let status = null;
  let statusError = null;
  try {
    if (module.cudaReady && typeof module.cudaReady.then === 'function') await module.cudaReady;
    status = typeof module.cudaStatus === 'function' ? module.cudaStatus() : null;
  } catch (error) {
    statusError = firstLine(error);
  }
  let fake = false;
  if (!tf.findBackendFactory('cuda') && process.env.NER_GPU_CHECK_FAKE_DEVICE === '1') {
    // Dry runs of the scripts themselves on a machine without a GPU: the package's host-memory
    // FakeCudaDevice behind the real backend code. Never a GPU result; every report says "fake".
    if (typeof module.registerCudaBackend === 'function' && typeof module.FakeCudaDevice === 'function') {
      const device = new module.FakeCudaDevice({ capacityBytes: 2 ** 31, ...emulatorOptions() });
      module.registerCudaBackend({ device });
      instrumentDevice(device);
      fake = true;
      // @ner/models' initBackend (the trainer step) awaits the package's own cudaReady, which says
      // "no driver" here: inside the payload its import gets a copy whose cudaReady reports the fake.
      registerShimTarget('@ner/tfjs-backend-cuda', {
        ...module,
        cudaReady: Promise.resolve({ available: true, reason: null, fake: true }),
      });
    }
  }
  const registered = tf.findBackendFactory('cuda') !== null && tf.findBackendFactory('cuda') !== undefined;
  let reason2 = null;
  if (!registered) {
    const why = status?.reason ?? statusError ?? 'the package registered no "cuda" backend';
    reason2 = String(why).startsWith('unavailable') ? String(why) : `unavailable: ${why}`;
  }
  loaded = { module, available: registered, reason: reason2, status: plain(status), fake };
  if (fake)
    loaded.status = {
      ...loaded.status,
      fake: `FakeCudaDevice (host memory${process.env.NER_GPU_CHECK_EMULATOR ? ', kernels and products of the host-compiled emulator' : ''}), NER_GPU_CHECK_FAKE_DEVICE=1: not a GPU result`,
    };
  if (registered && !fake) {
    // probeCuda() opens the device once per process: this is the device the backend runs on.
    const addon = await importCudaAddon();
    try {
      const probe = addon.module?.probeCuda?.();
      if (probe?.available) instrumentDevice(probe.device);
    } catch {}
  }
  return loaded;
}

/** Makes `cuda` the active backend with TF32 off (unless asked); resolves `{ ok, reason }`. */
export async function useCuda({ tf32 = false } = {}) {
  const cuda = await loadCuda();
  if (!cuda.available) return { ok: false, reason: cuda.reason };
  try {
    if (!(await tf.setBackend('cuda'))) return { ok: false, reason: 'tf.setBackend("cuda") returned false' };
    await tf.ready();
    setTf32(tf32);
    if (!instrumented) instrumentDevice();
    return { ok: true, reason: null };
  } catch (error) {
    return { ok: false, reason: `tf.setBackend("cuda") failed: ${firstLine(error)}` };
  }
}

/** `setAllowTf32(on)` of the package (torch.backends.cuda.matmul.allow_tf32); false when it has none. */
export function setTf32(on) {
  const fn = loaded?.module?.setAllowTf32;
  if (typeof fn !== 'function') return false;
  fn(on);
  return true;
}

/** A copy of the per-kernel fallback counts (`getFallbackCounts()`), or null when not offered. */
export function fallbackCounts() {
  const fn = loaded?.module?.getFallbackCounts;
  if (typeof fn !== 'function') return null;
  const counts = fn();
  if (counts instanceof Map) return Object.fromEntries(counts);
  return plain(counts);
}

/**
 * The product precisions whose bias / relu epilogue cuBLASLt refused, each with its error
 * (`getRefusedGemmEpilogues()`; the products then add the bias with a kernel), or null when the
 * package does not offer it.
 */
export function refusedGemmEpilogues() {
  const fn = loaded?.module?.getRefusedGemmEpilogues;
  return typeof fn === 'function' ? plain(fn()) : null;
}

/** Per-kernel counts that grew between two `fallbackCounts()` snapshots. */
export function countsDelta(before, after) {
  if (!before || !after) return null;
  const out = {};
  for (const [name, value] of Object.entries(after)) {
    const d = (typeof value === 'number' ? value : 0) - (typeof before[name] === 'number' ? before[name] : 0);
    if (d !== 0) out[name] = d;
  }
  return out;
}

export const sumCounts = (counts) =>
  counts ? Object.values(counts).reduce((a, b) => a + (typeof b === 'number' ? b : 0), 0) : null;

const DEVICE_METHODS = [
  'launch',
  'gemm',
  'upload',
  'download',
  'downloadAsync',
  'copy',
  'fill32',
  'synchronize',
  'malloc',
  'free',
];
const counting = {
  launches: 0,
  launchesByKernel: {},
  gemms: 0,
  uploads: 0,
  uploadBytes: 0,
  downloads: 0,
  downloadBytes: 0,
  copies: 0,
  fills: 0,
  synchronizes: 0,
  mallocs: 0,
  frees: 0,
};
let instrumented = null;

/**
 * Counts what the active `cuda` backend asks of its device (kernel launches by name, cuBLASLt
 * products, copies each way with bytes, synchronizations, raw allocations) by wrapping the methods
 * of its `device` object (the CudaDevice of src/device.ts, by default the active backend's) once. Measurement only: each call is
 * passed through unchanged. Returns false when the backend has no device object to wrap.
 */
export function instrumentDevice(device = tf.getBackend() === 'cuda' ? tf.backend().device : null) {
  if (!device || typeof device.launch !== 'function') return false;
  if (instrumented === device) return true;
  const bump = {
    launch: (kernel) => {
      counting.launches += 1;
      counting.launchesByKernel[kernel] = (counting.launchesByKernel[kernel] ?? 0) + 1;
    },
    gemm: () => {
      counting.gemms += 1;
    },
    upload: (_dst, src) => {
      counting.uploads += 1;
      counting.uploadBytes += src?.byteLength ?? 0;
    },
    download: (dst) => {
      counting.downloads += 1;
      counting.downloadBytes += dst?.byteLength ?? 0;
    },
    downloadAsync: (dst) => {
      counting.downloads += 1;
      counting.downloadBytes += dst?.byteLength ?? 0;
    },
    copy: () => {
      counting.copies += 1;
    },
    fill32: () => {
      counting.fills += 1;
    },
    synchronize: () => {
      counting.synchronizes += 1;
    },
    malloc: () => {
      counting.mallocs += 1;
    },
    free: () => {
      counting.frees += 1;
    },
  };
  for (const name of DEVICE_METHODS) {
    const original = device[name];
    if (typeof original !== 'function') continue;
    device[name] = function counted(...args) {
      bump[name](...args);
      return original.apply(this, args);
    };
  }
  instrumented = device;
  return true;
}

/**
 * Device-side counters of the active cuda backend: what instrumentDevice() counted (launches by
 * kernel, GEMMs, copies, syncs, allocations), and the package's own counters where it offers an
 * accessor; null when neither is there.
 */
export function deviceCounters() {
  const m = loaded?.module;
  let own = null;
  for (const name of ['getLaunchCounts', 'getCudaCounters', 'getCounters', 'cudaCounters', 'getStats']) {
    if (typeof m?.[name] === 'function') {
      try {
        own = { source: name, counts: plain(m[name]()) };
      } catch (error) {
        own = { source: name, error: firstLine(error) };
      }
      break;
    }
  }
  if (!instrumented && !own) return null;
  return {
    source: [instrumented ? 'instrumentDevice' : null, own?.source].filter(Boolean).join('+'),
    counts: { ...(instrumented ? plain(counting) : {}), ...(own?.counts ? { package: own.counts } : {}) },
  };
}

/** Numeric difference of two deviceCounters() readings (nested objects flattened with dots). */
export function countersDelta(before, after) {
  if (!before?.counts || !after?.counts) return null;
  const flat = (o, prefix = '', out = {}) => {
    for (const [k, v] of Object.entries(o ?? {})) {
      if (typeof v === 'number') out[prefix + k] = v;
      else if (v && typeof v === 'object') flat(v, `${prefix}${k}.`, out);
    }
    return out;
  };
  const a = flat(before.counts);
  const b = flat(after.counts);
  const out = {};
  for (const [k, v] of Object.entries(b)) if (v !== (a[k] ?? 0)) out[k] = v - (a[k] ?? 0);
  return out;
}

/**
 * Waits until everything queued on the active backend has run: the backend's own synchronize()
 * when it has one, else the read-back of one element of `tensor` (stream-ordered after its work).
 */
export function fence(tensor) {
  const backend = tf.backend();
  const sync = backend.synchronize ?? backend.device?.synchronize;
  if (typeof sync === 'function') {
    sync.call(backend.synchronize ? backend : backend.device);
    return;
  }
  const size = tensor.shape.length ? tensor.shape.map(() => 1) : [];
  const one = size.length
    ? tf.slice(
        tensor,
        size.map(() => 0),
        size,
      )
    : tensor.clone();
  one.dataSync();
  one.dispose();
}

/**
 * GPU milliseconds per tfjs kernel over one run of `run` (sync or async), from `tf.profile`: on
 * `cuda` each kernel's `kernelTimeMs` is GPU time between timing events recorded around it
 * (CudaBackend.time; the fake device's busy clock in dry runs). Summed by kernel name, slowest
 * first, the first `top` kept. `kernelMs` is the sum over all kernels; a kernel whose time came
 * back as no number is counted in `untimed`, never as 0 ms. tf.profile also lists the scopes of
 * custom-gradient ops (`fusedMatMul__op`, `unnamed scope`), which wrap kernels it lists too: only
 * names registered as kernels of the active backend are summed; the scopes are counted in
 * `scopes`. A kernel that itself ran kernels through the engine would still be counted twice.
 */
export async function profileKernels(run, top = 25) {
  const backendName = tf.getBackend();
  const profile = await tf.profile(run);
  const byName = new Map();
  let untimed = 0;
  let scopes = 0;
  for (const k of profile.kernels) {
    if (!tf.getKernel(k.name, backendName)) {
      scopes += 1;
      continue;
    }
    const ms = typeof k.kernelTimeMs === 'number' && Number.isFinite(k.kernelTimeMs) ? k.kernelTimeMs : null;
    if (ms === null) untimed += 1;
    const entry = byName.get(k.name) ?? { name: k.name, calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms += ms ?? 0;
    byName.set(k.name, entry);
  }
  const kernels = [...byName.values()].sort((a, b) => b.ms - a.ms);
  return {
    kernelMs: kernels.reduce((sum, k) => sum + k.ms, 0),
    tfjsKernels: profile.kernels.length - scopes,
    scopes,
    untimed,
    kernels: kernels.slice(0, top),
  };
}
