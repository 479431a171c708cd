// bf16 autocast on cuda (fake device; on a GPU with NER_CUDA_TEST_DEVICE=gpu): the backend side of
// the contract, the float32 -> bf16 cast kernel against tools/kernel-contract's roundToBf16 (NaN,
// Inf, ties), products equal to float64 sums of bf16-rounded operands on every path of matmul.ts
// (fold, strided batch, per-batch loop), the fused epilogues, fp32 unchanged with autocast off,
// no leaks, and @ner/models' withAutocast and @ner/trainer's TrainingArguments.bf16 on cuda.
import '@tensorflow/tfjs-backend-cpu';
import {
  BertConfig,
  BertForTokenClassification,
  autocastSupported,
  matMulAutocast,
  withAutocast,
} from '@ner/models';
import { makeTempDir, removeTempDirs, tinyBertSizes, tinyTokenBatch } from '@ner/test-support';
import { Trainer } from '@ner/trainer';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ADAMW_KERNEL_NAME,
  ADAMW_MULTI_KERNEL_NAME,
  isAutocastBackend,
  roundToBf16,
} from '../../../tools/kernel-contract/index.js';
import type { GemmDesc } from '../src/device.js';
import { getFallbackCounts, resetFallbackCounts } from '../src/fallback.js';
import { setAllowTf32 } from '../src/settings.js';
import { uniform } from './compare.js';
import { cudaBackend, onRealGpu, useFakeCuda } from './fake-backend.js';

let device: Awaited<ReturnType<typeof useFakeCuda>>;
beforeAll(async () => {
  device = await useFakeCuda();
});
afterEach(() => {
  cudaBackend().setMatMulAutocast(null);
  setAllowTf32(false);
  vi.restoreAllMocks();
  removeTempDirs();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

const size = (shape: readonly number[]) => shape.reduce((p, s) => p * s, 1);
const f = (shape: number[], seed: number) => tf.tensor(uniform(size(shape), seed, -2, 2), shape);

/**
 * The bias gradients' column sums (`Sum` over leading axes as `ones[1, rows] @ x`): products of
 * one row that stay fp32 under autocast, as PyTorch reduces bias gradients outside autocast.
 */
function isColumnSum(g: GemmDesc): boolean {
  return g.m === 1 && !g.transA && !g.transB && g.bf16 === false && g.tf32 === false;
}

/** The gemm descriptors and cast launches of `run`. */
function recordGemms<T>(run: () => T): { result: T; gemms: GemmDesc[]; casts: number } {
  const gemms: GemmDesc[] = [];
  const gemm = device.gemm.bind(device);
  const spy = vi.spyOn(device, 'gemm').mockImplementation((desc: GemmDesc) => {
    gemms.push({ ...desc });
    gemm(desc);
  });
  let casts = 0;
  const launch = device.launch.bind(device);
  const launchSpy = vi.spyOn(device, 'launch').mockImplementation((kernel, grid, block, shared, args) => {
    if (kernel === 'ner_cast_f32_bf16') casts++;
    launch(kernel, grid, block, shared, args);
  });
  try {
    return { result: run(), gemms, casts };
  } finally {
    spy.mockRestore();
    launchSpy.mockRestore();
  }
}

describe('the AutocastBackend contract', () => {
  it('is implemented, off by default, and refuses anything but bf16 and null', () => {
    const backend = cudaBackend();
    expect(isAutocastBackend(backend)).toBe(true);
    expect(backend.matMulAutocast()).toBeNull();
    backend.setMatMulAutocast('bf16');
    expect(backend.matMulAutocast()).toBe('bf16');
    expect(() => backend.setMatMulAutocast('fp16' as never)).toThrow(TypeError);
    expect(() => backend.setMatMulAutocast('fp16' as never)).toThrow(
      /setMatMulAutocast: expected 'bf16' or null, got "fp16"/,
    );
    expect(backend.matMulAutocast()).toBe('bf16');
    backend.setMatMulAutocast(null);
    expect(backend.matMulAutocast()).toBeNull();
  });
});

/** float32 values from their bit patterns. */
const fromBits = (bits: number[]) => new Float32Array(Uint32Array.from(bits).buffer);

describe('ner_cast_f32_bf16', () => {
  /** The kernel's 16-bit outputs for `values`, launched as matmul.ts does. */
  function castOnDevice(values: Float32Array): Uint16Array {
    const x = device.malloc(values.byteLength);
    const y = device.malloc(Math.max(2, values.length * 2));
    try {
      device.upload(x, values);
      device.launch('ner_cast_f32_bf16', [Math.ceil(values.length / 256), 1, 1], [256, 1, 1], 0, [
        { ptr: x },
        { ptr: y },
        { i32: values.length },
      ]);
      const out = new Uint16Array(values.length);
      device.download(out, y);
      return out;
    } finally {
      device.free(x);
      device.free(y);
    }
  }

  it('gives the bits a hand-worked table names: ties to even, NaN quiet with its sign, overflow to Inf', () => {
    const table: [number, number, string][] = [
      [0x3f800000, 0x3f80, '1'],
      [0x3f808000, 0x3f80, 'a tie below an even bf16 stays'],
      [0x3f818000, 0x3f82, 'a tie above an odd bf16 goes up to the even one'],
      [0x3f808001, 0x3f81, 'just above a tie goes up'],
      [0x3f807fff, 0x3f80, 'just below a tie goes down'],
      [0xbf818000, 0xbf82, 'ties to even on negatives'],
      [0x7f7fffff, 0x7f80, 'the largest float32 rounds to +Inf'],
      [0xff7fffff, 0xff80, 'and its negative to -Inf'],
      [0x7f800000, 0x7f80, '+Inf'],
      [0xff800000, 0xff80, '-Inf'],
      [0x7fc00000, 0x7fc0, 'the canonical NaN'],
      [0x7f800001, 0x7fc0, 'a signalling NaN with a low payload only: quiet, not Inf'],
      [0xff800001, 0xffc0, 'the same with the sign set'],
      [0x7fbfffff, 0x7fff, 'a NaN whose payload would round up: quiet bit set, truncated'],
      [0x00000000, 0x0000, '+0'],
      [0x80000000, 0x8000, '-0'],
      [0x00000001, 0x0000, 'the smallest denormal rounds to 0'],
      [0x00008000, 0x0000, 'a denormal tie to even (0)'],
      [0x00018000, 0x0002, 'a denormal tie to even (2)'],
    ];
    const got = castOnDevice(fromBits(table.map(([bits]) => bits)));
    table.forEach(([bits, want, what], i) => {
      expect(got[i], `0x${bits.toString(16)}: ${what}`).toBe(want);
    });
  });

  it('agrees with roundToBf16 bit for bit on random values, odd counts, NaN and Inf', () => {
    const random = Float32Array.from(uniform(1001, 91, -3e4, 3e4));
    const next = (() => {
      let s = 12345;
      return () => {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        return s;
      };
    })();
    const bits = Uint32Array.from({ length: 777 }, () => next());
    const values = new Float32Array([
      ...random,
      ...new Float32Array(bits.buffer),
      Number.NaN,
      Infinity,
      -Infinity,
    ]);
    const want = new Uint32Array(roundToBf16(values).buffer);
    const got = castOnDevice(values);
    for (let i = 0; i < values.length; i++) {
      if (got[i] !== want[i]! >>> 16) {
        expect.fail(
          `value ${i} (bits 0x${new Uint32Array(values.buffer)[i]!.toString(16)}): 0x${got[i]!.toString(16)}`,
        );
      }
    }
  });
});

/**
 * `a @ b` (tfjs batch broadcasting, transposes) as float64 sums of the bf16-rounded operands, with
 * `bias` then relu; also the sum of |products| per output (the tolerance's scale).
 */
function bf16Reference(
  a: tf.Tensor,
  b: tf.Tensor,
  transA: boolean,
  transB: boolean,
  bias?: tf.Tensor,
  relu = false,
): { values: Float64Array; scale: Float64Array; shape: number[] } {
  const av = roundToBf16(a.dataSync() as Float32Array);
  const bv = roundToBf16(b.dataSync() as Float32Array);
  const biasValues = bias ? (bias.dataSync() as Float32Array) : null;
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const n = transB ? br : bc;
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const rank = Math.max(aBatch.length, bBatch.length);
  const pad = (s: number[]) => [...Array(rank - s.length).fill(1), ...s];
  const [pa, pb] = [pad(aBatch), pad(bBatch)];
  const outBatch = pa.map((d, i) => Math.max(d, pb[i]!));
  const batches = size(outBatch);
  const values = new Float64Array(batches * m * n);
  const scale = new Float64Array(batches * m * n);
  for (let p = 0; p < batches; p++) {
    // The batch coordinates of output batch p, then each operand's batch (size-1 axes broadcast).
    let rest = p;
    let ai = 0;
    let bi = 0;
    let aStride = 1;
    let bStride = 1;
    for (let axis = rank - 1; axis >= 0; axis--) {
      const coord = rest % outBatch[axis]!;
      rest = Math.floor(rest / outBatch[axis]!);
      ai += (pa[axis] === 1 ? 0 : coord) * aStride;
      bi += (pb[axis] === 1 ? 0 : coord) * bStride;
      aStride *= pa[axis]!;
      bStride *= pb[axis]!;
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        let abs = 0;
        for (let q = 0; q < k; q++) {
          const x = av[ai * m * k + (transA ? q * m + i : i * k + q)]!;
          const y = bv[bi * k * n + (transB ? j * k + q : q * n + j)]!;
          sum += x * y;
          abs += Math.abs(x * y);
        }
        const at = p * m * n + i * n + j;
        if (biasValues) {
          const bj =
            biasValues.length === n ? biasValues[j]! : biasValues[(at % (m * n)) % biasValues.length]!;
          sum += bj;
          abs += Math.abs(bj);
        }
        values[at] = relu ? Math.max(sum, 0) : sum;
        scale[at] = abs;
      }
    }
  }
  return { values, scale, shape: [...outBatch, m, n] };
}

/**
 * Per output, |got - want| within `rtol` of the sum of |products| (fp32 accumulation on a GPU:
 * about k float32 roundings; the fake sums in float64 and rounds once).
 */
function expectCloseToReference(got: tf.Tensor, want: ReturnType<typeof bf16Reference>, k: number): void {
  expect(got.shape).toEqual(want.shape);
  const values = got.dataSync() as Float32Array;
  const rtol = onRealGpu ? 2e-6 * Math.max(k, 1) : 1.2e-7;
  for (let i = 0; i < values.length; i++) {
    const diff = Math.abs(values[i]! - want.values[i]!);
    if (!(diff <= rtol * want.scale[i]! + 1e-30)) {
      expect.fail(
        `output ${i}: cuda ${values[i]}, bf16 reference ${want.values[i]} (|diff| ${diff}, scale ${want.scale[i]})`,
      );
    }
  }
}

describe('matMul under bf16 autocast', () => {
  const cases: [string, number[], number[], boolean, boolean][] = [
    ['plain', [3, 5], [5, 4], false, false],
    ['transposeA', [5, 3], [5, 4], true, false],
    ['transposeB', [3, 5], [4, 5], false, true],
    ['both', [5, 3], [4, 5], true, true],
    ['batched', [2, 3, 5], [2, 5, 4], false, false],
    ['batched, both transposed', [3, 33, 7], [3, 9, 33], true, true],
    ['broadcast right (rows folded)', [2, 3, 5], [5, 4], false, false],
    ['broadcast left', [3, 5], [2, 5, 4], false, false],
    ['broadcast right, transposed left', [2, 5, 3], [5, 4], true, false],
    [
      'broadcast on both sides, odd m*k (per-batch products at 2-byte offsets)',
      [2, 1, 3, 5],
      [1, 3, 5, 7],
      false,
      false,
    ],
    ['odd sizes', [1, 17, 33], [1, 33, 9], false, false],
    ['a long sum', [4, 300], [300, 6], false, false],
  ];

  it.each(cases)('%s: [%j] x [%j] equals float64 sums of bf16-rounded operands', (_, sa, sb, ta, tb) => {
    const a = f(sa, 54);
    const b = f(sb, 55);
    const k = ta ? sa[sa.length - 2]! : sa[sa.length - 1]!;
    const want = bf16Reference(a, b, ta, tb);
    const fp32 = tf.matMul(a, b, ta, tb);
    resetFallbackCounts();
    const before = tf.memory().numTensors;
    const bytesBefore = cudaBackend().memory().bytesInUse;
    cudaBackend().setMatMulAutocast('bf16');
    const { result: got, gemms, casts } = recordGemms(() => tf.matMul(a, b, ta, tb));
    cudaBackend().setMatMulAutocast(null);
    expect(getFallbackCounts()).toEqual({});
    expect(gemms.length).toBeGreaterThan(0);
    for (const desc of gemms) expect(desc).toMatchObject({ bf16: true, tf32: false });
    expect(casts).toBe(2);
    expectCloseToReference(got, want, k);
    // Not the fp32 product: the rounding shows (random operands are not bf16 already).
    expect(Array.from(got.dataSync())).not.toEqual(Array.from(fp32.dataSync()));
    // The temporaries went back to the allocator: only the output is new.
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(cudaBackend().memory().bytesInUse - bytesBefore).toBe(
      cudaBackend().entry(got.dataId).block?.size ?? 0,
    );
    tf.dispose([a, b, fp32, got]);
  });

  it('_FusedMatMul: bias vector + relu in the epilogue, bias matrix + relu after, sigmoid', () => {
    const a = f([2, 3, 5], 57);
    const b = f([5, 4], 58);
    const biasVector = f([4], 59);
    const biasMatrix = f([3, 4], 60);
    cudaBackend().setMatMulAutocast('bf16');
    resetFallbackCounts();
    const { result, gemms } = recordGemms(() => [
      tf.fused.matMul({ a, b, bias: biasVector, activation: 'relu' }),
      tf.fused.matMul({ a, b, bias: biasMatrix, activation: 'relu' }),
      tf.fused.matMul({ a, b: f([4, 5], 62), transposeB: true, activation: 'sigmoid' }),
    ]);
    cudaBackend().setMatMulAutocast(null);
    expect(getFallbackCounts()).toEqual({});
    expect(gemms.map((g) => [g.bf16, g.bias !== undefined, g.activation])).toEqual([
      [true, true, 'relu'],
      [true, false, 'none'],
      [true, false, 'none'],
    ]);
    expectCloseToReference(result[0]!, bf16Reference(a, b, false, false, biasVector, true), 5);
    expectCloseToReference(result[1]!, bf16Reference(a, b, false, false, biasMatrix, true), 5);
    const linear = bf16Reference(a, tf.tensor(uniform(20, 62, -2, 2), [4, 5]), false, true);
    const sigmoid = result[2]!.dataSync();
    for (let i = 0; i < sigmoid.length; i++) {
      expect(Math.abs(sigmoid[i]! - 1 / (1 + Math.exp(-linear.values[i]!)))).toBeLessThan(1e-6);
    }
    tf.dispose([a, b, biasVector, biasMatrix, ...result]);
  });

  it('k = 0 stays zeros plus the bias, with nothing cast', () => {
    cudaBackend().setMatMulAutocast('bf16');
    const { result, casts } = recordGemms(() =>
      tf.fused.matMul({
        a: tf.ones([3, 0]),
        b: tf.ones([0, 2]),
        bias: tf.tensor([-1, 2]),
        activation: 'relu',
      }),
    );
    expect(casts).toBe(0);
    expect(Array.from(result.dataSync())).toEqual([0, 2, 0, 2, 0, 2]);
    result.dispose();
  });

  it('ignores TF32: the products stay CUBLAS_COMPUTE_32F on bf16 operands', () => {
    setAllowTf32(true);
    const a = f([4, 6], 70);
    cudaBackend().setMatMulAutocast('bf16');
    const { result, gemms } = recordGemms(() => tf.matMul(a, a, false, true));
    expect(gemms).toHaveLength(1);
    expect(gemms[0]).toMatchObject({ bf16: true, tf32: false });
    tf.dispose([a, result]);
  });

  it('off again: fp32 products bit for bit as before autocast, no casts, no bf16 flag', () => {
    const a = f([2, 7, 13], 71);
    const b = f([13, 5], 72);
    const { result: first, gemms: before } = recordGemms(() => tf.matMul(a, b));
    cudaBackend().setMatMulAutocast('bf16');
    tf.matMul(a, b).dispose();
    cudaBackend().setMatMulAutocast(null);
    const { result: again, gemms, casts } = recordGemms(() => tf.matMul(a, b));
    expect(casts).toBe(0);
    const withoutOutput = (descs: GemmDesc[]) => descs.map(({ c: _, ...rest }) => rest);
    expect(withoutOutput(gemms)).toEqual(withoutOutput(before));
    for (const desc of gemms) expect(desc.bf16).toBe(false);
    expect(new Uint32Array((again.dataSync() as Float32Array).buffer)).toEqual(
      new Uint32Array((first.dataSync() as Float32Array).buffer),
    );
    tf.dispose([a, b, first, again]);
  });

  it('gradients of a product run under autocast too, reuse the forward casts, and leak nothing', () => {
    const w = f([6, 4], 63);
    const x = f([5, 6], 64);
    const tensors = tf.memory().numTensors;
    const bytes = cudaBackend().memory().bytesInUse;
    cudaBackend().setMatMulAutocast('bf16');
    const {
      result: grads,
      gemms,
      casts,
    } = recordGemms(() => tf.grads((wv: tf.Tensor) => tf.sum(tf.matMul(x, wv)))([w]));
    expect(gemms.length).toBe(2);
    for (const desc of gemms) expect(desc.bf16).toBe(true);
    // x and w for the product, then only the output gradient for dW = x^T dy (x is kept).
    expect(casts).toBe(3);
    tf.dispose(grads);
    // The output gradient is gone and its copy with it; x's and w's stay until autocast ends.
    expect(cudaBackend().bf16CopyStats().copies).toBe(2);
    cudaBackend().setMatMulAutocast(null);
    expect(cudaBackend().bf16CopyStats()).toMatchObject({ copies: 0, bytes: 0 });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(cudaBackend().memory().bytesInUse).toBe(bytes);
    tf.dispose([w, x]);
  });
});

describe('bf16 copies kept while autocast lasts', () => {
  const bytesInUse = () => cudaBackend().memory().bytesInUse;

  it('casts a tensor once for every product that reads it, its reshapes included', () => {
    const x = f([4, 6], 70);
    const w = f([6, 3], 71);
    const before = bytesInUse();
    cudaBackend().setMatMulAutocast('bf16');
    const { result, casts } = recordGemms(() => [
      tf.matMul(x, w),
      tf.matMul(x, w, false, false),
      tf.matMul(tf.reshape(x, [2, 2, 6]), w),
      tf.matMul(w, x, true, true),
    ]);
    expect(casts).toBe(2);
    expect(cudaBackend().bf16CopyStats().copies).toBe(2);
    // Each copy holds half the tensor's bytes (rounded up to the allocator's 512-byte blocks).
    expect(cudaBackend().bf16CopyStats().bytes).toBe(1024);
    expectCloseToReference(result[0]!, bf16Reference(x, w, false, false), 6);
    expect(Array.from(result[2]!.dataSync())).toEqual(Array.from(result[0]!.dataSync()));
    cudaBackend().setMatMulAutocast(null);
    tf.dispose(result);
    expect(bytesInUse()).toBe(before);
    tf.dispose([x, w]);
  });

  it('releases a copy with its tensor, and all of them whenever autocast is switched off', () => {
    const x = f([4, 6], 72);
    const w = f([6, 3], 73);
    const before = bytesInUse();
    cudaBackend().setMatMulAutocast('bf16');
    const t = tf.add(x, 1);
    tf.matMul(t, w).dispose();
    expect(cudaBackend().bf16CopyStats().copies).toBe(2);
    t.dispose();
    expect(cudaBackend().bf16CopyStats().copies).toBe(1);
    cudaBackend().setMatMulAutocast(null);
    expect(cudaBackend().bf16CopyStats().copies).toBe(0);
    expect(recordGemms(() => tf.matMul(x, w).dispose()).casts).toBe(0);
    cudaBackend().setMatMulAutocast('bf16');
    expect(recordGemms(() => tf.matMul(x, w).dispose()).casts).toBe(2);
    // Nested scopes of the same dtype keep the copies.
    withAutocast('bf16', () => tf.matMul(x, w).dispose());
    expect(cudaBackend().bf16CopyStats().copies).toBe(2);
    cudaBackend().setMatMulAutocast(null);
    expect(cudaBackend().bf16CopyStats().copies).toBe(0);
    expect(bytesInUse()).toBe(before);
    tf.dispose([x, w]);
  });

  it('casts again after a kernel wrote the tensor in place (NerAdamW, NerAdamWMulti)', () => {
    // Variables that own their blocks (refCount 1), so the kernels may write them in place.
    const own = (t: tf.Tensor) => {
      const variable = tf.variable(t);
      t.dispose();
      return variable;
    };
    const w = own(f([6, 3], 74));
    const x = f([4, 6], 75);
    const m = own(tf.zeros([6, 3]));
    const v = own(tf.zeros([6, 3]));
    const grad = f([6, 3], 76);
    const attrs = {
      decayFactor: 0.99,
      beta1: 0.9,
      beta2: 0.999,
      biasCorrection2Sqrt: Math.sqrt(1 - 0.999),
      eps: 1e-8,
      stepSize: 0.5 / (1 - 0.9),
      inPlace: true,
    };
    cudaBackend().setMatMulAutocast('bf16');
    const first = tf.matMul(x, w);
    const outputs = tf.engine().runKernel(ADAMW_KERNEL_NAME, { param: w, grad, m, v }, attrs) as tf.Tensor[];
    expect(outputs).toEqual([]);
    const { result: second, casts } = recordGemms(() => tf.matMul(x, w));
    expect(casts).toBe(1);
    expectCloseToReference(second, bf16Reference(x, w, false, false), 6);
    expect(Array.from(second.dataSync())).not.toEqual(Array.from(first.dataSync()));
    const multi = tf.engine().runKernel(
      ADAMW_MULTI_KERNEL_NAME,
      { param0: w, grad0: grad, m0: m, v0: v },
      {
        ...Object.fromEntries(Object.entries(attrs).map(([k, value]) => [k, [value]])),
        inPlace: true,
      },
    ) as tf.Tensor[];
    expect(multi).toEqual([]);
    const { result: third, casts: again } = recordGemms(() => tf.matMul(x, w));
    expect(again).toBe(1);
    expectCloseToReference(third, bf16Reference(x, w, false, false), 6);
    cudaBackend().setMatMulAutocast(null);
    tf.dispose([w, x, m, v, grad, first, second, third]);
  });
});

describe('@ner/models withAutocast on cuda', () => {
  const config = () =>
    new BertConfig({ ...tinyBertSizes(1), numLabels: 3, hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 });

  it('is supported, scoped, and restores the state after a throw', () => {
    expect(autocastSupported()).toBe(true);
    expect(matMulAutocast()).toBeNull();
    withAutocast('bf16', () => {
      expect(cudaBackend().matMulAutocast()).toBe('bf16');
      withAutocast('bf16', () => expect(matMulAutocast()).toBe('bf16'));
      expect(matMulAutocast()).toBe('bf16');
    });
    expect(cudaBackend().matMulAutocast()).toBeNull();
    expect(() =>
      withAutocast('bf16', () => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(cudaBackend().matMulAutocast()).toBeNull();
  });

  it('a training step: every matmul product in bf16 (bias-gradient sums fp32), loss and gradients close to fp32 but not fp32, no fallback, no leak', () => {
    const model = new BertForTokenClassification(config(), { seed: 3 });
    const batch = tinyTokenBatch();
    const step = () => {
      const { loss, grads } = model.computeGradients(batch, { training: true });
      const values = { loss: loss.dataSync()[0]!, grad: Array.from(grads.values())[0]!.dataSync().slice() };
      tf.dispose([loss, ...grads.values()]);
      return values;
    };
    const fp32 = step();
    resetFallbackCounts();
    const tensors = tf.memory().numTensors;
    const bytes = cudaBackend().memory().bytesInUse;
    const { result: bf16, gemms } = recordGemms(() => withAutocast('bf16', step));
    expect(getFallbackCounts()).toEqual({});
    const products = gemms.filter((g) => !isColumnSum(g));
    expect(products.length).toBeGreaterThan(10);
    expect(products.every((g) => g.bf16 === true)).toBe(true);
    expect(gemms.length - products.length).toBeGreaterThan(0);
    expect(bf16.loss).not.toBe(fp32.loss);
    expect(Math.abs(bf16.loss - fp32.loss) / fp32.loss).toBeLessThan(1e-2);
    let num = 0;
    let den = 0;
    for (let i = 0; i < fp32.grad.length; i++) {
      num += (bf16.grad[i]! - fp32.grad[i]!) ** 2;
      den += fp32.grad[i]! ** 2;
    }
    expect(Math.sqrt(num / den)).toBeLessThan(5e-2);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(cudaBackend().memory().bytesInUse).toBe(bytes);
    expect(cudaBackend().matMulAutocast()).toBeNull();
    model.dispose();
  });
});

describe('TrainingArguments.bf16 on cuda', () => {
  it('a short Trainer run: every product under bf16 autocast, none outside, autocast off afterwards', async () => {
    const rows = Array.from({ length: 8 }, (_, i) => {
      const ids = [2, 4 + (i % 7), 5 + ((i * 3) % 11), 6 + ((i * 5) % 13), 3];
      return { input_ids: ids, labels: ids.map((id, j) => (j === 0 || j === 4 ? -100 : id % 3)) };
    });
    const collate = (batch: typeof rows) => ({
      input_ids: batch.map((r) => r.input_ids),
      attention_mask: batch.map((r) => r.input_ids.map(() => 1)),
      labels: batch.map((r) => r.labels),
    });
    const trainer = new Trainer({
      model: new BertForTokenClassification(
        new BertConfig({ ...tinyBertSizes(1), numLabels: 3, maxPositionEmbeddings: 16 }),
        { seed: 5 },
      ),
      args: {
        outputDir: makeTempDir('ner-cuda-bf16-'),
        bf16: true,
        perDeviceTrainBatchSize: 4,
        learningRate: 5e-3,
        maxSteps: 2,
        loggingSteps: 1,
        saveStrategy: 'no',
        reportTo: 'none',
        logLevel: 'error',
      },
      trainDataset: rows,
      dataCollator: collate,
    });
    const seen: (string | null)[] = [];
    const engine = tf.engine();
    const runKernel = engine.runKernel.bind(engine);
    vi.spyOn(engine, 'runKernel').mockImplementation((name, inputs, attrs) => {
      if (name === tf.BatchMatMul || name === tf._FusedMatMul) seen.push(cudaBackend().matMulAutocast());
      return runKernel(name, inputs, attrs);
    });
    resetFallbackCounts();
    const { gemms } = await (async () => {
      const gemms: GemmDesc[] = [];
      const gemm = device.gemm.bind(device);
      vi.spyOn(device, 'gemm').mockImplementation((desc: GemmDesc) => {
        gemms.push(desc);
        gemm(desc);
      });
      await trainer.train();
      return { gemms };
    })();
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(['bf16']));
    const products = gemms.filter((g) => !isColumnSum(g));
    expect(products.length).toBeGreaterThan(0);
    expect(products.every((g) => g.bf16 === true)).toBe(true);
    expect(cudaBackend().matMulAutocast()).toBeNull();
    const losses = trainer.state.logHistory.flatMap((e) => (typeof e.loss === 'number' ? [e.loss] : []));
    expect(losses).toHaveLength(2);
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
  });
});
