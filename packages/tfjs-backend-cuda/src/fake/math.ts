/** Float64 math the fake kernels need and JS lacks (erf), and Philox4x32-10 for random uniform. */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erf to ~1e-12 absolute: the Maclaurin series below 4 (erf(4) rounds to 1 in float32). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const v = Math.abs(x);
  if (v >= 4) return Math.sign(x);
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

/** Round half to even, as `rintf` and tfjs-cpu's Round. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** High 32 bits of the 64-bit product of two uint32. */
function mulhi(a: number, b: number): number {
  const aHi = a >>> 16;
  const aLo = a & 0xffff;
  const bHi = b >>> 16;
  const bLo = b & 0xffff;
  const lolo = aLo * bLo;
  const hilo = aHi * bLo;
  const lohi = aLo * bHi;
  const hihi = aHi * bHi;
  const mid = (lolo >>> 16) + (hilo & 0xffff) + (lohi & 0xffff);
  return (hihi + (hilo >>> 16) + (lohi >>> 16) + (mid >>> 16)) >>> 0;
}

const PHILOX_M0 = 0xd2511f53;
const PHILOX_M1 = 0xcd9e8d57;
const PHILOX_W0 = 0x9e3779b9;
const PHILOX_W1 = 0xbb67ae85;

/**
 * Philox4x32-10 (Salmon et al. 2011, as cuRAND and JAX use it) of the counter
 * `[c0, c1, c2, c3]` with key `[k0, k1]`; four uint32 out.
 */
export function philox4x32(c: readonly number[], k0: number, k1: number): [number, number, number, number] {
  let x0 = c[0]! >>> 0;
  let x1 = c[1]! >>> 0;
  let x2 = c[2]! >>> 0;
  let x3 = c[3]! >>> 0;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(PHILOX_M0, x0);
    const lo0 = Math.imul(PHILOX_M0, x0) >>> 0;
    const hi1 = mulhi(PHILOX_M1, x2);
    const lo1 = Math.imul(PHILOX_M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ key0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ key1) >>> 0;
    x3 = lo0;
    key0 = (key0 + PHILOX_W0) >>> 0;
    key1 = (key1 + PHILOX_W1) >>> 0;
  }
  return [x0, x1, x2, x3];
}

/** A uint32 to a float in [0, 1) with 24 random bits (exact in float32). */
export function uint32ToUnit(x: number): number {
  return (x >>> 8) * 2 ** -24;
}
