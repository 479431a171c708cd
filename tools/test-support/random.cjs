// Seeded random numbers for tests (CommonJS, so plain .cjs harnesses can require it too; index.js
// re-exports it for ESM). mulberry32: small, fast and the same sequence everywhere, so a failing
// case reproduces from its seed.

/** A uniform generator in [0, 1) from a 32-bit seed (mulberry32). */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `size` float32 values uniform in [low, high), drawn from `random`. */
function uniformFloat32(random, size, low = -2, high = 2) {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = low + (high - low) * random();
  return out;
}

module.exports = { mulberry32, uniformFloat32 };
