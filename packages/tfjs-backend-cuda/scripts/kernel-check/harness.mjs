// The harness of gpu-kernel-check.mjs: deterministic inputs (one mulberry32 sequence, so the checks
// draw the same values in the same order on every machine), a case run on a device, and the
// comparison of the GPU's outputs with the fake device's, recorded in the report.

/** The length of the elementwise checks' vectors: odd, so no block or vector width divides it. */
export const N = 10007;

/**
 * The helpers the checks use, over `gpu` (the device under test), `fake` (the JS reference) and
 * `report` (`{ checks, failures }`, appended to); `dryRun` when `gpu` is not a real GPU.
 */
export function kernelCheckHarness({ gpu, fake, report, dryRun }) {
  // Deterministic inputs (mulberry32).
  let seed = 12345;
  function rand() {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  const randF = (n, lo = -3, hi = 3) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
  const randI = (n, lo, hi) => Int32Array.from({ length: n }, () => lo + Math.floor((hi - lo + 1) * rand()));
  function dims(rank, a = [], b = [], c = [], d = []) {
    const out = new Int32Array(25);
    out[0] = rank;
    [a, b, c, d].forEach((arr, k) => {
      arr.forEach((v, i) => {
        out[1 + 6 * k + i] = v;
      });
    });
    return out;
  }
  const grid1d = (n) => [Math.max(1, Math.min(1024, Math.ceil(n / 256))), 1, 1];

  /**
   * Runs one case on a device: `buffers` maps names to typed arrays (inputs), to
   * {f32|i32: length, fill?} (outputs), or to {table: (ptrs) => bytes} (a table of the other
   * buffers' device addresses, made once they have one); args use {buf: name} for pointers.
   */
  function runOn(device, c) {
    const ptrs = {};
    const tables = Object.entries(c.buffers).filter(([, spec]) => typeof spec.table === 'function');
    for (const [name, spec] of Object.entries(c.buffers)) {
      if (typeof spec.table === 'function') continue;
      if (ArrayBuffer.isView(spec)) {
        ptrs[name] = device.malloc(Math.max(4, spec.byteLength));
        device.upload(ptrs[name], spec);
      } else {
        const len = spec.f32 ?? spec.i32;
        ptrs[name] = device.malloc(Math.max(4, len * 4));
        device.fill32(ptrs[name], spec.fill ?? 0, Math.max(1, len));
      }
    }
    for (const [name, spec] of tables) {
      const bytes = spec.table(ptrs);
      ptrs[name] = device.malloc(Math.max(4, bytes.byteLength));
      device.upload(ptrs[name], bytes);
    }
    const args = c.args.map((a) => ('buf' in a ? { ptr: ptrs[a.buf] } : a));
    device.launch(c.kernel, c.grid, c.block ?? [256, 1, 1], 0, args);
    device.synchronize();
    const outputs = {};
    for (const name of c.outputs) {
      const spec = c.buffers[name];
      const len = ArrayBuffer.isView(spec) ? spec.length : (spec.f32 ?? spec.i32);
      const isInt = ArrayBuffer.isView(spec) ? spec instanceof Int32Array : spec.i32 !== undefined;
      const out = isInt ? new Int32Array(len) : new Float32Array(len);
      if (len) device.download(out, ptrs[name]);
      outputs[name] = out;
    }
    for (const p of Object.values(ptrs)) device.free(p);
    return outputs;
  }

  function compare(name, got, want, rtol, atol) {
    let worst = 0;
    let where = -1;
    for (let i = 0; i < want.length; i++) {
      const g = got[i];
      const w = want[i];
      if (Number.isNaN(w) && Number.isNaN(g)) continue;
      if (g === w) continue;
      const err = Math.abs(g - w) / (atol + rtol * Math.abs(w));
      if (!(err <= worst)) {
        worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
        where = i;
      }
    }
    const ok = worst <= 1;
    const entry = { name, ok, elements: want.length };
    if (!ok) {
      entry.worstIndex = where;
      entry.got = got[where];
      entry.want = want[where];
      report.failures += 1;
    }
    report.checks.push(entry);
  }

  /** Kernel arguments that point at the named buffers of a case, in order. */
  function bufs(...names) {
    return names.map((buf) => ({ buf }));
  }

  function check(c, rtol = 1e-5, atol = 1e-6) {
    try {
      const want = runOn(fake, c);
      const got = runOn(gpu, c);
      for (const name of c.outputs) {
        // Outputs that are long float32 sums may carry a looser [rtol, atol] of their own.
        const [r, a] = c.tolerances?.[name] ?? [rtol, atol];
        compare(`${c.label ?? c.kernel}:${name}`, got[name], want[name], r, a);
      }
    } catch (error) {
      report.failures += 1;
      report.checks.push({ name: c.label ?? c.kernel, ok: false, error: String(error?.message ?? error) });
    }
  }
  /** Restarts the sequence at `value` (each product's two runs draw the same operands). */
  function reseed(value) {
    seed = value;
  }
  return { gpu, fake, report, dryRun, rand, reseed, randF, randI, dims, grid1d, runOn, compare, check, bufs };
}
