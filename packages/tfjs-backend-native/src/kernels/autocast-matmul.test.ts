// bf16 autocast on the native backend's matmuls: every product must equal the float64 sum of the
// bf16-rounded operands' products (to fp32 accumulation error), on both ways the addon takes
// (vdpbf16ps where the CPU has it, and the rounded fp32 way), with transposes, odd k, broadcast
// and many-batch products, gradients included; and nothing changes with autocast off.
import '../index.js';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { roundToBf16 } from '../../../../tools/kernel-contract/index.js';
import { requireAddon } from '../addon.js';
import type { NativeBackend } from '../native-backend.js';
import { describeWithAddon, randomArray, rng, useNativeBackend } from '../test-helpers.js';
import { setBf16DotProduct } from './inference-weights.js';

beforeAll(async () => {
  await useNativeBackend();
});
afterEach(() => {
  setBf16DotProduct(null);
  if (tf.getBackend() === 'native') (tf.backend() as NativeBackend).setMatMulAutocast(null);
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

function autocast(on: boolean): void {
  (tf.backend() as NativeBackend).setMatMulAutocast(on ? 'bf16' : null);
}

/** op(x) of a row-major matrix with `cols` columns as a function of (i, j). */
function reader(x: Float32Array, cols: number, transposed: boolean) {
  return transposed ? (i: number, j: number) => x[j * cols + i]! : (i: number, j: number) => x[i * cols + j]!;
}

/**
 * Checks `got` (batch x m x n) against float64 sums of products of the bf16-rounded operands:
 * |got - sum| <= 2^-20 * sum |products| (fp32 accumulation over k terms with room to spare).
 */
function expectBf16Products(
  got: Float32Array,
  a: Float32Array[],
  b: Float32Array[],
  m: number,
  n: number,
  k: number,
  transposeA: boolean,
  transposeB: boolean,
): void {
  for (let batch = 0; batch < a.length; batch++) {
    const ra = roundToBf16(a[batch]!);
    const rb = roundToBf16(b[batch]!);
    const readA = reader(ra, transposeA ? m : k, transposeA);
    const readB = reader(rb, transposeB ? k : n, transposeB);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        let magnitude = 0;
        for (let p = 0; p < k; p++) {
          const product = readA(i, p) * readB(p, j);
          sum += product;
          magnitude += Math.abs(product);
        }
        const value = got[(batch * m + i) * n + j]!;
        const error = Math.abs(value - sum);
        if (error > magnitude * 2 ** -20 + 1e-30) {
          throw new Error(`batch ${batch} [${i}, ${j}]: ${value} vs ${sum} (|products| ${magnitude})`);
        }
      }
    }
  }
}

interface Case {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly batch: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

const CASES: Case[] = [
  // Linear forward x @ W^T, its input gradient dy @ W, its weight gradient dy^T @ x.
  { m: 37, n: 70, k: 48, batch: 1, transposeA: false, transposeB: true },
  { m: 37, n: 48, k: 70, batch: 1, transposeA: false, transposeB: false },
  { m: 70, n: 48, k: 37 + 1, batch: 1, transposeA: true, transposeB: false },
  // k not a multiple of 32 (the transposed packer's masked tail), odd k (rounded way only).
  { m: 5, n: 33, k: 50, batch: 1, transposeA: false, transposeB: true },
  { m: 9, n: 17, k: 31, batch: 1, transposeA: false, transposeB: true },
  { m: 3, n: 65, k: 130, batch: 2, transposeA: true, transposeB: true },
  // Attention-like: many small products (rounded way, parallel over the batch).
  { m: 12, n: 12, k: 8, batch: 12, transposeA: false, transposeB: true },
];

function caseName(c: Case): string {
  return `${c.batch}x[${c.m}x${c.k}]${c.transposeA ? 'ᵀ' : ''} @ [${c.k}x${c.n}]${c.transposeB ? 'ᵀ' : ''}`;
}

function runCase(
  c: Case,
  seed: number,
): { got: Float32Array; fp32: Float32Array; a: Float32Array[]; b: Float32Array[] } {
  const random = rng(seed);
  const aShape = c.transposeA ? [c.k, c.m] : [c.m, c.k];
  const bShape = c.transposeB ? [c.n, c.k] : [c.k, c.n];
  const a = Array.from({ length: c.batch }, () => randomArray(random, c.m * c.k));
  const b = Array.from({ length: c.batch }, () => randomArray(random, c.k * c.n));
  const stack = (parts: Float32Array[], shape: number[]) => {
    const flat = new Float32Array(parts.length * parts[0]!.length);
    for (const [i, part] of parts.entries()) flat.set(part, i * part.length);
    return tf.tensor(flat, [parts.length, ...shape]);
  };
  const ta = stack(a, aShape);
  const tb = stack(b, bShape);
  autocast(true);
  const got = tf.matMul(ta, tb, c.transposeA, c.transposeB);
  autocast(false);
  const fp32 = tf.matMul(ta, tb, c.transposeA, c.transposeB);
  const result = { got: got.dataSync() as Float32Array, fp32: fp32.dataSync() as Float32Array, a, b };
  tf.dispose([ta, tb, got, fp32]);
  return result;
}

describeWithAddon('bf16 autocast matmuls (native)', () => {
  for (const dot of [true, false]) {
    const way = dot ? 'vdpbf16ps where available' : 'rounded fp32';
    CASES.forEach((c, index) => {
      it(`${caseName(c)}, ${way}: products of the bf16-rounded operands`, () => {
        setBf16DotProduct(dot);
        const { got, fp32, a, b } = runCase(c, 100 + index);
        expectBf16Products(got, a, b, c.m, c.n, c.k, c.transposeA, c.transposeB);
        // It really rounded: random fp32 operands lose ~3 digits in bf16.
        let differs = 0;
        for (let i = 0; i < got.length; i++) if (got[i] !== fp32[i]) differs++;
        expect(differs).toBeGreaterThan(got.length / 2);
      });
    });
  }

  it('a batch broadcast against one matrix', () => {
    const random = rng(7);
    const a = randomArray(random, 3 * 6 * 40);
    const w = randomArray(random, 40 * 24);
    autocast(true);
    const got = tf.matMul(tf.tensor3d(a, [3, 6, 40]), tf.tensor3d(w, [1, 40, 24])).dataSync() as Float32Array;
    const parts = [0, 1, 2].map((i) => a.subarray(i * 240, (i + 1) * 240));
    expectBf16Products(got, parts, [w, w, w], 6, 24, 40, false, false);
  });

  it('gradients run their products under autocast too', () => {
    const random = rng(11);
    const x = tf.tensor2d(randomArray(random, 20 * 36), [20, 36]);
    const w = tf.tensor2d(randomArray(random, 28 * 36), [28, 36]);
    autocast(true);
    // d/dx sum(x @ w^T) = ones @ w: the rounded w summed over its rows (ones are exact in bf16).
    const [dx, dw] = tf.grads((xs: tf.Tensor, ws: tf.Tensor) => tf.sum(tf.matMul(xs, ws, false, true)))([
      x,
      w,
    ]);
    const ones = new Float32Array(20 * 28).fill(1);
    expectBf16Products(
      dx!.dataSync() as Float32Array,
      [ones],
      [w.dataSync() as Float32Array],
      20,
      36,
      28,
      false,
      false,
    );
    expectBf16Products(
      dw!.dataSync() as Float32Array,
      [ones],
      [x.dataSync() as Float32Array],
      28,
      36,
      20,
      true,
      false,
    );
  });

  it('_FusedMatMul: bias and relu after the bf16 product', () => {
    const random = rng(13);
    const x = randomArray(random, 10 * 34);
    const w = randomArray(random, 34 * 18);
    const bias = randomArray(random, 18);
    autocast(true);
    const fused = tf.fused
      .matMul({
        a: tf.tensor2d(x, [10, 34]),
        b: tf.tensor2d(w, [34, 18]),
        bias: tf.tensor1d(bias),
        activation: 'relu',
      })
      .dataSync();
    const plain = tf.matMul(tf.tensor2d(x, [10, 34]), tf.tensor2d(w, [34, 18])).dataSync();
    for (let i = 0; i < fused.length; i++) {
      expect(fused[i]).toBe(Math.max(0, Math.fround(plain[i]! + bias[i % 18]!)));
    }
  });

  it('off again: the fp32 products, bit for bit', () => {
    const random = rng(17);
    const a = tf.tensor2d(randomArray(random, 8 * 40), [8, 40]);
    const b = tf.tensor2d(randomArray(random, 40 * 16), [40, 16]);
    const before = tf.matMul(a, b).dataSync();
    autocast(true);
    tf.matMul(a, b).dispose();
    autocast(false);
    expect(tf.matMul(a, b).dataSync()).toEqual(before);
  });

  it('names what it takes: bf16 or null', () => {
    const backend = tf.backend() as NativeBackend;
    expect(() => backend.setMatMulAutocast('fp16' as never)).toThrow(/expected 'bf16' or null, got "fp16"/);
    expect(backend.matMulAutocast()).toBeNull();
    backend.setMatMulAutocast('bf16');
    expect(backend.matMulAutocast()).toBe('bf16');
  });

  it('gemmBf16 checks sizes before it writes', () => {
    const addon = requireAddon();
    const out = new Float32Array(4).fill(7);
    const call = () =>
      addon.gemmBf16(
        new Float32Array(3),
        new Float32Array(4),
        out,
        new Int32Array([0]),
        new Int32Array([0]),
        2,
        2,
        2,
        false,
        false,
        true,
      );
    expect(call).toThrow(/a offset out of range/);
    expect(Array.from(out)).toEqual([7, 7, 7, 7]);
  });
});
