// NerEncoderLayer (src/kernels/encoder-layer.ts): one post-LayerNorm layer in one call. Held to
// the composite ops on the cpu backend within 1e-5 (fp32, and bf16 with the weights widened), and
// to the five fused kernels it chains bit for bit (fp32, bf16 widened, bf16 on vdpbf16ps), on
// seeded random layers: one sentence, padded batches, both attention scalings, shapes off the
// panel kernel's blocks. Then its scratch: grown to a power of two, reused by smaller calls.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import '../src/index.js';
import {
  ENCODER_LAYER_KERNEL,
  encoderLayerScratchFloats,
  releaseEncoderLayerScratch,
} from '../src/kernels/encoder-layer.js';
import {
  LINEAR_GELU_KERNEL,
  LINEAR_RESIDUAL_LAYER_NORM_KERNEL,
  QKV_PROJECTION_KERNEL,
  SELF_ATTENTION_KERNEL,
} from '../src/kernels/inference.js';
import { bf16DotProduct, roundToBf16, setBf16DotProduct } from '../src/kernels/inference-weights.js';
import { type Input, describeWithAddon, expectSameAsCpu, runOn } from '../src/test-helpers.js';
import { additiveMask, attention, gelu, layerNorm, linear, seededInputs } from './layer-composites.js';

beforeAll(() => {
  tf.setBackend('cpu');
});
afterEach(() => {
  setBf16DotProduct(null);
});
afterAll(() => {
  releaseEncoderLayerScratch();
  tf.setBackend('cpu');
});

const input = seededInputs(1919);

const NAMES = [
  'x',
  'mask',
  'queryWeight',
  'queryBias',
  'keyWeight',
  'keyBias',
  'valueWeight',
  'valueBias',
  'attentionOutputWeight',
  'attentionOutputBias',
  'attentionNormGamma',
  'attentionNormBeta',
  'intermediateWeight',
  'intermediateBias',
  'outputWeight',
  'outputBias',
  'outputNormGamma',
  'outputNormBeta',
] as const;

/** Inputs of a random layer in NAMES' order; Linear weights bf16-rounded when `bf16`. */
function randomLayer(batch: number, length: number, hidden: number, inner: number, bf16 = false): Input[] {
  const weight = (out: number, inp: number) => {
    const w = input([out, inp], 0.2);
    return bf16 ? { values: roundToBf16(w.values), shape: w.shape } : w;
  };
  const near1 = () => ({ values: input([hidden]).values.map((v) => 1 + 0.5 * v), shape: [hidden] });
  return [
    input([batch, length, hidden]),
    additiveMask(batch, length),
    ...[0, 1, 2].flatMap(() => [weight(hidden, hidden), input([hidden])]),
    weight(hidden, hidden),
    input([hidden]),
    near1(),
    input([hidden]),
    weight(inner, hidden),
    input([inner]),
    weight(hidden, inner),
    input([hidden]),
    near1(),
    input([hidden]),
  ];
}

type Layer = Record<(typeof NAMES)[number], tf.Tensor>;
const named = (xs: tf.Tensor[]): Layer => Object.fromEntries(NAMES.map((n, i) => [n, xs[i]!])) as Layer;
const run = (kernel: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>) =>
  tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;

function layerKernel(l: Layer, heads: number, scaleQueryFirst: boolean, bf16: boolean): tf.Tensor {
  return run(ENCODER_LAYER_KERNEL, l, { numHeads: heads, scaleQueryFirst, eps: 1e-12, bf16 });
}

/** The same layer as five fused kernels (what @ner/models ran per layer before this kernel). */
function fiveKernels(l: Layer, heads: number, scaleQueryFirst: boolean, bf16: boolean): tf.Tensor {
  const { x, mask } = l;
  const qkvInputs = { x, queryWeight: l.queryWeight, queryBias: l.queryBias, keyWeight: l.keyWeight };
  const qkv = run(
    QKV_PROJECTION_KERNEL,
    { ...qkvInputs, keyBias: l.keyBias, valueWeight: l.valueWeight, valueBias: l.valueBias },
    { bf16 },
  );
  const context = run(SELF_ATTENTION_KERNEL, { qkv, mask }, { numHeads: heads, scaleQueryFirst });
  const residualNorm = (
    input: tf.Tensor,
    w: tf.Tensor,
    b: tf.Tensor,
    r: tf.Tensor,
    g: tf.Tensor,
    be: tf.Tensor,
  ) =>
    run(
      LINEAR_RESIDUAL_LAYER_NORM_KERNEL,
      { x: input, weight: w, bias: b, residual: r, gamma: g, beta: be },
      { eps: 1e-12, bf16 },
    );
  const attended = residualNorm(
    context,
    l.attentionOutputWeight,
    l.attentionOutputBias,
    x,
    l.attentionNormGamma,
    l.attentionNormBeta,
  );
  const inner = run(
    LINEAR_GELU_KERNEL,
    { x: attended, weight: l.intermediateWeight, bias: l.intermediateBias },
    { bf16 },
  );
  return residualNorm(inner, l.outputWeight, l.outputBias, attended, l.outputNormGamma, l.outputNormBeta);
}

/** The composite ops of @ner/models' layer (the reference every backend runs). */
function composite(l: Layer, heads: number, scaleQueryFirst: boolean): tf.Tensor {
  const qkv = tf.concat(
    [
      linear(l.x, l.queryWeight, l.queryBias),
      linear(l.x, l.keyWeight, l.keyBias),
      linear(l.x, l.valueWeight, l.valueBias),
    ],
    -1,
  );
  const context = attention(qkv, l.mask, heads, scaleQueryFirst);
  const projected = linear(context, l.attentionOutputWeight, l.attentionOutputBias);
  const attended = layerNorm(tf.add(projected, l.x), l.attentionNormGamma, l.attentionNormBeta, 1e-12);
  const inner = gelu(linear(attended, l.intermediateWeight, l.intermediateBias));
  const out = linear(inner, l.outputWeight, l.outputBias);
  return layerNorm(tf.add(out, attended), l.outputNormGamma, l.outputNormBeta, 1e-12);
}

function nativeValues(inputs: Input[], fn: (l: Layer) => tf.Tensor): Float32Array {
  return runOn('native', inputs, (...xs) => fn(named(xs)))[0]!.data as Float32Array;
}

describeWithAddon('NerEncoderLayer', () => {
  const shapes = [
    [1, 30, 96, 4, 160],
    [3, 13, 64, 2, 100],
    [2, 1, 40, 5, 72],
    [2, 37, 160, 2, 64],
  ] as const;
  for (const [batch, length, hidden, heads, inner] of shapes) {
    for (const scaleQueryFirst of [false, true]) {
      const label = `B ${batch}, T ${length}, H ${hidden}, ${heads} heads, FFN ${inner}, scaleQueryFirst ${scaleQueryFirst}`;
      it(`fp32: within 1e-5 of the composite ops on cpu, the five kernels' bits: ${label}`, () => {
        const inputs = randomLayer(batch, length, hidden, inner);
        expectSameAsCpu(
          inputs,
          (...xs) =>
            tf.getBackend() === 'native'
              ? layerKernel(named(xs), heads, scaleQueryFirst, false)
              : composite(named(xs), heads, scaleQueryFirst),
          1e-5,
          1e-5,
          label,
        );
        const fused = nativeValues(inputs, (l) => layerKernel(l, heads, scaleQueryFirst, false));
        const five = nativeValues(inputs, (l) => fiveKernels(l, heads, scaleQueryFirst, false));
        expect(Array.from(fused)).toEqual(Array.from(five));
      });
    }
  }

  it('bf16 widened: within 1e-5 of the composite ops on the rounded weights; the five kernels bit for bit', () => {
    setBf16DotProduct(false);
    const [batch, length, hidden, heads, inner] = [2, 19, 64, 4, 96];
    const inputs = randomLayer(batch, length, hidden, inner, true);
    expectSameAsCpu(
      inputs,
      (...xs) =>
        tf.getBackend() === 'native'
          ? layerKernel(named(xs), heads, false, true)
          : composite(named(xs), heads, false),
      1e-5,
      1e-5,
    );
    const fused = nativeValues(inputs, (l) => layerKernel(l, heads, false, true));
    expect(Array.from(fused)).toEqual(
      Array.from(nativeValues(inputs, (l) => fiveKernels(l, heads, false, true))),
    );
  });

  it('bf16 on vdpbf16ps (where the CPU has it): the five kernels bit for bit, near the fp32 layer', () => {
    setBf16DotProduct(true);
    const [batch, length, hidden, heads, inner] = [2, 30, 96, 4, 160];
    if (!bf16DotProduct(hidden)) return; // no AVX512_BF16: the widened case above is the product
    const inputs = randomLayer(batch, length, hidden, inner, true);
    const fused = nativeValues(inputs, (l) => layerKernel(l, heads, false, true));
    expect(Array.from(fused)).toEqual(
      Array.from(nativeValues(inputs, (l) => fiveKernels(l, heads, false, true))),
    );
    // Activations rounded to bf16 (relative 2^-9) before each of the four products: the output
    // (LayerNorm-scaled, |y| ~ 1) moves by ~1e-2 at most against the exact product of the
    // rounded weights, and not by nothing (the rounding happened).
    const exact = runOn('cpu', inputs, (...xs) => composite(named(xs), heads, false))[0]!
      .data as Float32Array;
    let worst = 0;
    for (let i = 0; i < exact.length; i++) worst = Math.max(worst, Math.abs(fused[i]! - exact[i]!));
    expect(worst).toBeLessThan(5e-2);
    expect(worst).toBeGreaterThan(1e-6);
  });

  it('keeps its scratch: a power of two grown by a larger call, reused by smaller ones', () => {
    releaseEncoderLayerScratch();
    expect(encoderLayerScratchFloats()).toBe(0);
    const [hidden, heads, inner] = [32, 2, 48];
    const layerOf = (batch: number, length: number) => randomLayer(batch, length, hidden, inner);
    nativeValues(layerOf(2, 9), (l) => layerKernel(l, heads, false, false));
    const need = (rows: number) => rows * (5 * hidden + inner);
    expect(encoderLayerScratchFloats()).toBe(2 ** Math.ceil(Math.log2(need(18))));
    nativeValues(layerOf(4, 40), (l) => layerKernel(l, heads, false, false));
    const grown = encoderLayerScratchFloats();
    expect(grown).toBe(2 ** Math.ceil(Math.log2(need(160))));
    // A smaller batch after a larger one: the same scratch, and still the composite's values.
    const small = layerOf(3, 7);
    expectSameAsCpu(
      small,
      (...xs) =>
        tf.getBackend() === 'native'
          ? layerKernel(named(xs), heads, true, false)
          : composite(named(xs), heads, true),
      1e-5,
      1e-5,
    );
    expect(encoderLayerScratchFloats()).toBe(grown);
  });
});
