import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerGradients } from './gradients.js';
import { binaryCrossEntropyWithLogits, crossEntropyIgnoringIndex, meanSquaredError } from './losses.js';
import { activation, dropout, geluErf, layerNorm, linear } from './nn.js';
import { SeededRandom } from './seeded-random.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  registerGradients();
});

describe('layers', () => {
  it('exact GELU: 0.5 x (1 + erf(x / sqrt 2)) (values from Python math.erf)', () => {
    const y = geluErf(tf.tensor1d([1, -1, 0.5, 3])).dataSync();
    const expected = [0.8413447460685429, -0.15865525393145707, 0.34573123063700656, 2.9959502669431];
    for (let i = 0; i < expected.length; i++) expect(y[i]).toBeCloseTo(expected[i]!, 6);
  });

  it('LayerNorm uses the biased variance and eps inside the root', () => {
    // x = [1, 2, 3, 4]: mean 2.5, variance 1.25.
    const y = layerNorm(tf.tensor2d([[1, 2, 3, 4]]), tf.ones([4]), tf.zeros([4]), 0.25).dataSync();
    const expected = [-1.5, -0.5, 0.5, 1.5].map((v) => v / Math.sqrt(1.5));
    for (let i = 0; i < 4; i++) expect(y[i]).toBeCloseTo(expected[i]!, 6);
  });

  it('dropout: identity in eval; in training zeros about p and scales survivors by 1/(1-p), reproducibly', () => {
    const x = tf.ones([100, 100]);
    expect(dropout(x, 0.1, { training: false, rng: new SeededRandom(1) })).toBe(x);
    const a = dropout(x, 0.25, { training: true, rng: new SeededRandom(5) }).dataSync();
    const b = dropout(x, 0.25, { training: true, rng: new SeededRandom(5) }).dataSync();
    expect([...a]).toEqual([...b]);
    const zeros = a.filter((v) => v === 0).length / a.length;
    expect(zeros).toBeGreaterThan(0.22);
    expect(zeros).toBeLessThan(0.28);
    expect(new Set(a)).toEqual(new Set([0, 1 / 0.75].map(Math.fround)));
  });

  it("dropout draws its mask from the backend's RandomUniform kernel when it registers one", () => {
    // A kernel whose noise is 0.3 at even positions and 0.9 at odd ones: with rate 0.5 the even
    // positions drop and the odd ones survive, scaled by 2; the seed reaches the kernel.
    const seeds: unknown[] = [];
    tf.registerKernel({
      kernelName: 'RandomUniform',
      backendName: tf.getBackend(),
      kernelFunc: ({ attrs, backend }) => {
        const { shape, seed } = attrs as unknown as { shape: number[]; seed: number };
        seeds.push(seed);
        const size = shape.reduce((a, b) => a * b, 1);
        const values = Float32Array.from({ length: size }, (_, i) => (i % 2 === 0 ? 0.3 : 0.9));
        return (
          backend as unknown as { makeTensorInfo: (s: number[], d: string, v: Float32Array) => tf.TensorInfo }
        ).makeTensorInfo(shape, 'float32', values);
      },
    });
    try {
      const y = dropout(tf.ones([2, 3]), 0.5, { training: true, rng: new SeededRandom(5) }).dataSync();
      expect([...y]).toEqual([0, 2, 0, 2, 0, 2]);
      expect(seeds).toEqual([new SeededRandom(5).nextSeed()]);
    } finally {
      tf.unregisterKernel('RandomUniform', tf.getBackend());
    }
  });

  it('SeededRandom is deterministic and roughly standard normal', () => {
    const values = new SeededRandom(9).normalArray(20000, 0, 1);
    expect([...new SeededRandom(9).normalArray(5, 0, 1)]).toEqual([...values.slice(0, 5)]);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe('loss gradients (worked by hand)', () => {
  it('BCE-with-logits: value and gradient (sigmoid(x) - y) / N', () => {
    const x = tf.tensor2d([
      [0.5, -1],
      [2, 0],
    ]);
    const y = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const { value, grads } = tf.valueAndGrads((logits: tf.Tensor) => binaryCrossEntropyWithLogits(logits, y))(
      [x],
    );
    const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
    const bce = (v: number, t: number) => -(t * Math.log(sigmoid(v)) + (1 - t) * Math.log(1 - sigmoid(v)));
    expect(value.dataSync()[0]).toBeCloseTo((bce(0.5, 1) + bce(-1, 0) + bce(2, 0) + bce(0, 1)) / 4, 6);
    const expected = [sigmoid(0.5) - 1, sigmoid(-1), sigmoid(2), sigmoid(0) - 1].map((g) => g / 4);
    const got = grads[0]!.dataSync();
    for (let i = 0; i < 4; i++) expect(got[i]).toBeCloseTo(expected[i]!, 6);
  });

  it('MSE: gradient 2 (x - y) / N', () => {
    const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => meanSquaredError(x, tf.tensor1d([1, 1, 1])))([
      tf.tensor1d([1, 2, 4]),
    ]);
    expect(value.dataSync()[0]).toBeCloseTo(10 / 3, 6);
    expect([...grads[0]!.dataSync()].map((g) => Number(g.toFixed(6)))).toEqual([
      0,
      Number((2 / 3).toFixed(6)),
      2,
    ]);
  });

  it('cross-entropy ignores -100 and averages over the rest', () => {
    const logits = tf.tensor2d([
      [0, 0],
      [1, 0],
      [5, 5],
    ]);
    const loss = crossEntropyIgnoringIndex(logits, tf.tensor1d([0, 1, -100], 'int32')).dataSync()[0]!;
    expect(loss).toBeCloseTo((Math.log(2) + (Math.log(1 + Math.E) - 0)) / 2, 6);
  });
});

describe('registered gradients match finite differences', () => {
  const fns: [string, (x: tf.Tensor) => tf.Scalar][] = [
    ['gelu_new (Pow, Tanh)', (x) => tf.sum(activation('gelu_new')(x))],
    ['silu (Sigmoid)', (x) => tf.sum(activation('silu')(x))],
    ['sqrt, abs, maximum', (x) => tf.sum(tf.add(tf.sqrt(tf.add(tf.abs(x), 1)), tf.maximum(x, 0.1)))],
    [
      'where, slice, transpose, mean',
      (x) =>
        tf.mean(tf.where(tf.greater(x, 0), tf.transpose(x), tf.slice(tf.concat([x, x]), [1, 0], [2, 2]))),
    ],
    ['exact gelu, softmax, log1p', (x) => tf.sum(tf.log1p(tf.softmax(geluErf(x))))],
  ];
  it.each(fns)('%s', (_label, f) => {
    const x = tf.tensor2d([
      [0.3, -0.7],
      [1.2, -0.2],
    ]);
    const analytic = tf.grad(f)(x).dataSync();
    const base = x.dataSync();
    const h = 1e-3;
    for (let i = 0; i < base.length; i++) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[i]! += h;
      minus[i]! -= h;
      const numeric =
        (f(tf.tensor2d(plus, [2, 2])).dataSync()[0]! - f(tf.tensor2d(minus, [2, 2])).dataSync()[0]!) /
        (2 * h);
      expect(analytic[i]).toBeCloseTo(numeric, 2);
    }
  });
});

describe('linear', () => {
  const values = (n: number, seed: number) =>
    Array.from({ length: n }, (_, i) => Math.sin(seed * 7.3 + i * 1.7));
  const x = () => tf.tensor3d(values(2 * 3 * 5, 1), [2, 3, 5]);
  const weight = () => tf.tensor2d(values(4 * 5, 2), [4, 5]);
  const bias = () => tf.tensor1d(values(4, 3));
  /** The same layer through tfjs' fused.matMul op, as `linear` ran before. */
  const viaFusedOp = (input: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
    tf.reshape(
      tf.fused.matMul({
        a: tf.reshape(input, [-1, 5]) as tf.Tensor2D,
        b: w as tf.Tensor2D,
        transposeB: true,
        bias: b,
      }),
      [2, 3, 4],
    );

  it("runs one _FusedMatMul each way with the registered gradient: tfjs fused.matMul's values, bit for bit", () => {
    const [xs, w, b] = [x(), weight(), bias()];
    const loss =
      (f: (input: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
      (input: tf.Tensor, wv: tf.Tensor, bv: tf.Tensor) =>
        tf.sum(tf.square(f(input, wv, bv)));
    const ours = tf.grads(loss((input, wv, bv) => linear(input, wv, bv)));
    const theirs = tf.grads(loss(viaFusedOp));
    const got = ours([xs, w, b]);
    const want = theirs([xs, w, b]);
    expect(got.map((g) => g.shape)).toEqual([[2, 3, 5], [4, 5], [4]]);
    for (const [i, g] of got.entries())
      expect(Array.from(g.dataSync())).toEqual(Array.from(want[i]!.dataSync()));
    expect(Array.from(linear(xs, w, b).dataSync())).toEqual(Array.from(viaFusedOp(xs, w, b).dataSync()));
  });

  it("takes half the engine ops of tfjs' fused.matMul for the same gradient", async () => {
    const [xs, w, b] = [x(), weight(), bias()];
    const opsOf = async (f: (wv: tf.Tensor) => tf.Tensor) =>
      (await tf.profile(() => tf.grads((wv: tf.Tensor) => tf.sum(f(wv)))([w]))).kernels.map((k) => k.name);
    const ours = await opsOf((wv) => linear(xs, wv, b));
    const theirs = await opsOf((wv) => viaFusedOp(xs, wv, b));
    // One kernel forward and, as only w's gradient is asked for, one product backward; no
    // custom-gradient scope with its reshapes to 3-D and saved copies.
    expect(ours.filter((n) => n === '_FusedMatMul')).toHaveLength(1);
    expect(ours.filter((n) => n === 'BatchMatMul')).toHaveLength(1);
    expect(ours).not.toContain('fusedMatMul__op');
    expect(theirs).toContain('fusedMatMul__op');
    // (12 and 24: the backward pass's reshapes in our gradient functions are views without a
    // kernel call, see reshapeView.)
    expect(ours.length).toBe(12);
    expect(theirs.length).toBe(24);
  });

  it('without a bias is one plain product', () => {
    const [xs, w] = [x(), weight()];
    const y = linear(xs, w, null);
    expect(y.shape).toEqual([2, 3, 4]);
    const want = tf.reshape(tf.matMul(tf.reshape(xs, [-1, 5]), w, false, true), [2, 3, 4]);
    expect(Array.from(y.dataSync())).toEqual(Array.from(want.dataSync()));
  });

  it('refuses to differentiate a _FusedMatMul with another activation, naming it', () => {
    const a = tf.tensor2d([[1, -2]]);
    const b = tf.tensor2d([[0.5], [0.25]]);
    const relu = (av: tf.Tensor) =>
      tf.sum(
        tf
          .engine()
          .runKernel(
            '_FusedMatMul',
            { a: av, b },
            { transposeA: false, transposeB: false, activation: 'relu' },
          ) as tf.Tensor,
      );
    expect(() => tf.grad(relu)(a)).toThrow(
      '_FusedMatMul gradient is implemented for activation "linear" only, got "relu"',
    );
  });
});
