// Seeded shapes and host inputs of the kernel cases (kernels-check.mjs): the same draws on every
// machine, so a case's name (its shapes) and its values are the same in every report.
import { randomArray } from '../../lib/common.mjs';

export function rng(seed) {
  let state = (seed * 2654435761) >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
export const ODD = [1, 2, 3, 5, 7, 13, 17, 31, 33, 64, 65, 129];
export const pick = (r, list) => list[Math.floor(r() * list.length)];
export const size = (shape) => shape.reduce((a, b) => a * b, 1);

/** A shape of rank in [minRank, maxRank] with odd sizes, at most `maxSize` elements. */
export function randomShape(r, minRank, maxRank, maxSize = 40000) {
  const rank = minRank + Math.floor(r() * (maxRank - minRank + 1));
  const shape = Array.from({ length: rank }, () => pick(r, ODD));
  while (size(shape) > maxSize) shape[shape.indexOf(Math.max(...shape))] = pick(r, [1, 3, 5, 7]);
  return shape;
}

/** A shape that broadcasts against `shape`: leading axes dropped, some axes set to 1. */
export function broadcastPartner(r, shape) {
  const drop = Math.floor(r() * shape.length);
  return shape.slice(drop).map((d) => (r() < 0.35 ? 1 : d));
}

/** Host data for one input: `kind` picks the range (positive for log/sqrt/pow, ties for compares...). */
export function hostInput(shape, kind, seed, extra = {}) {
  const n = size(shape);
  const u = randomArray(n, seed);
  let dtype = 'float32';
  let values;
  switch (kind) {
    case 'uniform':
      values = u.map((x) => x * (extra.scale ?? 3));
      break;
    case 'positive':
      values = u.map((x) => 0.05 + Math.abs(x) * 3);
      break;
    case 'nonzero':
      values = u.map((x) => (x < 0 ? x - 0.5 : x + 0.5) * 2);
      break;
    case 'ties':
      values = u.map((x) => Math.round(x * 3) / 2);
      break;
    case 'int':
      dtype = 'int32';
      values = Int32Array.from(u, (x) => Math.round(x * 10));
      break;
    case 'intNonzero':
      dtype = 'int32';
      values = Int32Array.from(u, (x) => (x < 0 ? -1 : 1) * (1 + Math.floor(Math.abs(x) * 7)));
      break;
    case 'index':
      dtype = 'int32';
      values = Int32Array.from(u, (x) => Math.floor(((x + 1) / 2) * extra.limit) % extra.limit);
      break;
    case 'bool':
      dtype = 'bool';
      values = Uint8Array.from(u, (x) => (x > 0 ? 1 : 0));
      break;
    case 'special':
      values = u.map((x, i) =>
        i % 11 === 0 ? Number.NaN : i % 13 === 0 ? Number.POSITIVE_INFINITY : i % 17 === 0 ? -0 : x * 3,
      );
      break;
    default:
      throw new Error(`unknown input kind ${kind}`);
  }
  return { shape, dtype, values };
}

/** float32 values rounded to bfloat16 (as tools/kernel-contract's roundToBf16 and ner_cast_f32_bf16). */
export function roundBf16(values) {
  const out = new Float32Array(values.length);
  const inBits = new Uint32Array(Float32Array.from(values).buffer);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const b = inBits[i];
    outBits[i] =
      (b & 0x7fffffff) > 0x7f800000
        ? (b | 0x400000) & 0xffff0000
        : ((b + 0x7fff + ((b >>> 16) & 1)) & 0xffff0000) >>> 0;
  }
  return out;
}
