// The fused inference kernels (fused-inference.ts, kernels of the native backend) against the
// composite ops they replace, run on the cpu backend: each kernel on seeded random inputs within
// 1e-5, then whole eval-mode forwards of random nonzero-bias BERT and DistilBERT models (which
// must actually take the fused path on native, and must not under a gradient tape or when
// attentions are asked for), then `dtype: 'bf16'` loading.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NATIVE_KERNELS, nativeBackendInfo } from '@ner/tfjs-backend-native';
import { mulberry32 } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { AutoModelForTokenClassification, ConfigError } from '../src/index.js';
import { ENCODER_LAYER_KERNEL, INFERENCE_KERNELS, SELF_ATTENTION_KERNEL } from '../src/fused-kernels.js';
import { linearGelu, linearResidualLayerNorm, qkvProjection, selfAttention } from '../src/fused-inference.js';
import { extendedAttentionMask } from '../src/nn.js';
import { restoreCpu, useBackend } from './backends.js';
import { RANDOM_BIAS_CASES } from './random-bias-models.js';
import { withoutKernel } from './without-kernel.js';

const hasNative = nativeBackendInfo().available;
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await restoreCpu();
});

function worstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** Runs `fn` on tensors of `inputs` on `backend`; returns its output's values (and the kernels it ran). */
async function on(
  backend: 'cpu' | 'native',
  inputs: { values: Float32Array; shape: number[] }[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor,
): Promise<{ values: Float32Array; kernels: string[] }> {
  await useBackend(backend);
  const xs = inputs.map((i) => tf.tensor(i.values, i.shape));
  let values: Float32Array = new Float32Array();
  const profile = await tf.profile(() => {
    const y = fn(...xs);
    values = y.dataSync() as Float32Array;
    y.dispose();
  });
  tf.dispose(xs);
  return { values, kernels: profile.kernels.map((k) => k.name) };
}

const next = mulberry32(1919);
const random = (shape: number[], scale = 1) => {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = (2 * next() - 1) * scale;
  return { values, shape };
};

describe.skipIf(!hasNative)('fused inference kernels on native vs the composite ops on cpu', () => {
  it('the native backend registers every inference kernel under these names', () => {
    expect(INFERENCE_KERNELS.filter((name) => !NATIVE_KERNELS.includes(name))).toEqual([]);
  });

  const [batch, length, hidden, heads, inner] = [2, 11, 48, 4, 80];
  const w = (out: number, inp: number) => random([out, inp], 0.3);

  it('qkvProjection', async () => {
    const inputs = [random([batch, length, hidden]), w(hidden, hidden), random([hidden]), w(hidden, hidden)];
    inputs.push(random([hidden]), w(hidden, hidden), random([hidden]));
    const fn = (x: tf.Tensor, ...p: tf.Tensor[]) =>
      qkvProjection(
        x,
        { weight: p[0]!, bias: p[1]! },
        { weight: p[2]!, bias: p[3]! },
        { weight: p[4]!, bias: p[5]! },
      );
    const cpu = await on('cpu', inputs, fn);
    const native = await on('native', inputs, fn);
    expect(native.kernels).toContain('NerQkvProjection');
    expect(cpu.kernels).not.toContain('NerQkvProjection');
    expect(worstDiff(native.values, cpu.values)).toBeLessThan(1e-5);
  });

  for (const scaleQueryFirst of [false, true]) {
    it(`selfAttention with a padding mask (scaleQueryFirst ${scaleQueryFirst})`, async () => {
      const padding = new Float32Array(batch * length).fill(1);
      padding.fill(0, 2 * length - 4); // the second row is 4 tokens of padding shorter
      const inputs = [random([batch, length, 3 * hidden], 2), { values: padding, shape: [batch, length] }];
      const fn = (qkv: tf.Tensor, mask: tf.Tensor) =>
        selfAttention(qkv, extendedAttentionMask(mask), heads, scaleQueryFirst);
      const cpu = await on('cpu', inputs, fn);
      const native = await on('native', inputs, fn);
      expect(native.kernels).toContain(SELF_ATTENTION_KERNEL);
      expect(worstDiff(native.values, cpu.values)).toBeLessThan(1e-5);
    });
  }

  it('linearGelu and linearResidualLayerNorm', async () => {
    const gelu = [random([batch, length, hidden]), w(inner, hidden), random([inner])];
    const geluFn = (x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor) => linearGelu(x, { weight, bias });
    expect(
      worstDiff((await on('native', gelu, geluFn)).values, (await on('cpu', gelu, geluFn)).values),
    ).toBeLessThan(1e-5);
    const norm = [
      random([batch, length, inner]),
      w(hidden, inner),
      random([hidden]),
      random([batch, length, hidden]),
    ];
    norm.push(random([hidden]), random([hidden]));
    const normFn = (
      x: tf.Tensor,
      weight: tf.Tensor,
      bias: tf.Tensor,
      r: tf.Tensor,
      g: tf.Tensor,
      b: tf.Tensor,
    ) => linearResidualLayerNorm(x, { weight, bias }, r, { weight: g, bias: b }, 1e-12);
    expect(
      worstDiff((await on('native', norm, normFn)).values, (await on('cpu', norm, normFn)).values),
    ).toBeLessThan(1e-5);
  });
});

describe.skipIf(!hasNative)('eval-mode forwards on the fused path', () => {
  for (const testCase of RANDOM_BIAS_CASES) {
    it(`${testCase.name}: logits within 1e-5 of cpu, one layer kernel per layer, the five kernels' bits`, async () => {
      const run = async (backend: 'cpu' | 'native', outputAttentions: boolean) => {
        await useBackend(backend);
        const model = testCase.build();
        let logits: Float32Array = new Float32Array();
        let attentions = 0;
        const profile = await tf.profile(() => {
          const out = model.forward(testCase.batch(), { outputAttentions });
          logits = out.logits.dataSync() as Float32Array;
          attentions = out.attentions?.length ?? 0;
          tf.dispose(out as unknown as tf.TensorContainer);
        });
        model.dispose();
        return { logits, attentions, kernels: profile.kernels.map((k) => k.name) };
      };
      const cpu = await run('cpu', false);
      const fused = await run('native', false);
      expect(fused.kernels.filter((k) => k === ENCODER_LAYER_KERNEL)).toHaveLength(2); // 2 layers
      expect(fused.kernels).not.toContain(SELF_ATTENTION_KERNEL);
      expect(worstDiff(fused.logits, cpu.logits)).toBeLessThan(1e-5);
      // Without the layer kernel: five kernels per layer, the same functions, the same bits.
      const five = await withoutKernel(ENCODER_LAYER_KERNEL, () => run('native', false));
      expect(five.kernels.filter((k) => k === SELF_ATTENTION_KERNEL)).toHaveLength(2);
      expect(five.kernels).not.toContain(ENCODER_LAYER_KERNEL);
      expect(Array.from(fused.logits)).toEqual(Array.from(five.logits));
      // Attentions asked for: the composite path, which has them.
      const withAttentions = await run('native', true);
      expect(withAttentions.kernels).not.toContain(SELF_ATTENTION_KERNEL);
      expect(withAttentions.kernels).not.toContain(ENCODER_LAYER_KERNEL);
      expect(withAttentions.attentions).toBe(2);
      expect(worstDiff(withAttentions.logits, cpu.logits)).toBeLessThan(1e-5);
    });
  }

  it('hidden states not asked for: each layer output is freed once the next has read it', async () => {
    await useBackend('native');
    const testCase = RANDOM_BIAS_CASES[0]!;
    const model = testCase.build();
    const run = async (outputHiddenStates: boolean) => {
      let logits: Float32Array = new Float32Array();
      let states = 0;
      const profile = await tf.profile(() => {
        const out = model.forward(testCase.batch(), { outputAttentions: false, outputHiddenStates });
        logits = out.logits.dataSync() as Float32Array;
        states = out.hiddenStates?.length ?? 0;
        tf.dispose(out as unknown as tf.TensorContainer);
      });
      return { logits, states, peakBytes: profile.peakBytes };
    };
    await run(true); // the first forward packs the weights: compare the forwards after it
    const freed = await run(false);
    const kept = await run(true);
    model.dispose();
    expect(kept.states).toBe(3); // the embeddings and 2 layers
    expect(freed.states).toBe(0);
    expect(Array.from(freed.logits)).toEqual(Array.from(kept.logits));
    expect(freed.peakBytes).toBeLessThan(kept.peakBytes);
  });

  it('under a gradient tape (computeGradients in eval mode) the composite ops run', async () => {
    await useBackend('native');
    const testCase = RANDOM_BIAS_CASES[0]!;
    const model = testCase.build();
    const profile = await tf.profile(() => {
      const { loss, grads } = model.computeGradients(testCase.batch(), { training: false });
      expect(grads.size).toBe(testCase.parameterCount);
      tf.dispose([loss, ...grads.values()]);
    });
    expect(profile.kernels.map((k) => k.name)).not.toContain(SELF_ATTENTION_KERNEL);
    expect(profile.kernels.map((k) => k.name)).not.toContain(ENCODER_LAYER_KERNEL);
    model.dispose();
  });
});

describe('dtype: bf16', () => {
  async function savedModel(): Promise<string> {
    await useBackend('cpu');
    const model = RANDOM_BIAS_CASES[0]!.build();
    const dir = mkdtempSync(join(tmpdir(), 'ner-bf16-'));
    dirs.push(dir);
    await model.savePretrained(dir);
    model.dispose();
    return dir;
  }

  it('rounds every Linear weight to bfloat16, keeps the rest, and reports the dtype', async () => {
    const dir = await savedModel();
    const fp32 = await AutoModelForTokenClassification.fromPretrained(dir);
    const bf16 = await AutoModelForTokenClassification.fromPretrained(dir, { dtype: 'bf16' });
    expect(bf16.dtype).toBe('bf16');
    expect(fp32.dtype).toBe('float32');
    const query = 'bert.encoder.layer.0.attention.self.query.weight';
    const rounded = new Uint32Array((bf16.parameters.get(query)!.dataSync() as Float32Array).slice().buffer);
    expect(rounded.every((bits) => (bits & 0xffff) === 0)).toBe(true);
    const original = fp32.parameters.get(query)!.dataSync() as Float32Array;
    const after = bf16.parameters.get(query)!.dataSync() as Float32Array;
    // Within half a bf16 ulp (2^-8 relative), and not all equal (the rounding happened).
    expect(after.every((v, i) => Math.abs(v - original[i]!) <= Math.abs(original[i]!) * 2 ** -8)).toBe(true);
    expect(after.some((v, i) => v !== original[i])).toBe(true);
    const bias = 'bert.encoder.layer.0.attention.self.query.bias';
    expect(Array.from(bf16.parameters.get(bias)!.dataSync())).toEqual(
      Array.from(fp32.parameters.get(bias)!.dataSync()),
    );
    fp32.dispose();
    bf16.dispose();
  });

  it.skipIf(!hasNative)('native bf16 products agree with cpu on the rounded weights', async () => {
    const dir = await savedModel();
    const batch = RANDOM_BIAS_CASES[0]!.batch();
    const logits = async (backend: 'cpu' | 'native', dtype: 'float32' | 'bf16') => {
      await useBackend(backend);
      const model = await AutoModelForTokenClassification.fromPretrained(dir, { dtype });
      const out = model.forward(batch);
      const values = out.logits.dataSync() as Float32Array;
      tf.dispose(out as unknown as tf.TensorContainer);
      model.dispose();
      return values;
    };
    const cpu = await logits('cpu', 'bf16');
    // The exact bf16 product (weights widened to fp32); the default on AVX512_BF16 CPUs, vdpbf16ps,
    // rounds the activations too (tested in @ner/tfjs-backend-native's bf16-products.test.ts).
    process.env.NER_NATIVE_BF16_DOT = '0';
    const native = await logits('native', 'bf16').finally(() => {
      delete process.env.NER_NATIVE_BF16_DOT;
    });
    expect(worstDiff(native, cpu)).toBeLessThan(1e-5);
    // The bf16 model is a different model: its logits move by far more than the tolerance.
    expect(worstDiff(cpu, await logits('cpu', 'float32'))).toBeGreaterThan(1e-4);
  });

  it('an unknown dtype is refused with a ConfigError naming it', async () => {
    const dir = await savedModel();
    const load = () => AutoModelForTokenClassification.fromPretrained(dir, { dtype: 'fp8' as never });
    await expect(load()).rejects.toThrow(ConfigError);
    await expect(load()).rejects.toThrow(/dtype "fp8" is not supported \(use "float32" or "bf16"\)/);
  });
});
