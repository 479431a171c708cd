// The embedding layer on the native backend's NerEmbeddings kernel (fused-kernels.ts): whole
// eval-mode forwards of random nonzero-bias BERT (token types) and DistilBERT (none) models run it
// once, and their logits are bit for bit those of the same forward with the kernel unregistered
// (the composite ops), on the fixture batch and on a batch of 32; training and gradient tapes
// keep the composite ops.
import { NATIVE_KERNELS, nativeBackendInfo } from '@ner/tfjs-backend-native';
import { mulberry32 } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelBatch } from '../src/index.js';
import { EMBEDDINGS_KERNEL, INFERENCE_KERNELS } from '../src/fused-kernels.js';
import { restoreCpu, useBackend } from './backends.js';
import { RANDOM_BIAS_CASES, type RandomBiasCase } from './random-bias-models.js';
import { withoutKernel } from './without-kernel.js';

const hasNative = nativeBackendInfo().available;

afterAll(async () => {
  await restoreCpu();
});

/**
 * 32 rows of random ids (vocabulary 120) padded to 24 tokens, with a second segment and labels in
 * the form of `like` (the case's fixture batch: token types or not, a label per token or per row).
 */
function batchOf32(like: ModelBatch): ModelBatch {
  const types = like.token_type_ids != null;
  const perToken = Array.isArray((like.labels as unknown[] | null | undefined)?.[0]);
  const next = mulberry32(32);
  const [rows, length] = [32, 24];
  const lengths = Array.from({ length: rows }, () => 4 + Math.floor(next() * (length - 3)));
  return {
    input_ids: lengths.map((n) =>
      Array.from({ length }, (_, t) => (t < n ? 1 + Math.floor(next() * 119) : 0)),
    ),
    attention_mask: lengths.map((n) => Array.from({ length }, (_, t) => (t < n ? 1 : 0))),
    token_type_ids: types ? lengths.map((n) => Array.from({ length }, (_, t) => (t >= n / 2 ? 1 : 0))) : null,
    labels: perToken
      ? lengths.map((n) => Array.from({ length }, (_, t) => (t < n ? t % 3 : -100)))
      : lengths.map((n) => n % 3),
  };
}

async function forward(testCase: RandomBiasCase, batch: ModelBatch, backend: 'cpu' | 'native') {
  await useBackend(backend);
  const model = testCase.build();
  let logits: Float32Array = new Float32Array();
  const profile = await tf.profile(() => {
    const out = model.forward(batch, { outputAttentions: false });
    logits = out.logits.dataSync() as Float32Array;
    tf.dispose(out as unknown as tf.TensorContainer);
  });
  model.dispose();
  return { logits, kernels: profile.kernels.map((k) => k.name) };
}

describe.skipIf(!hasNative)('NerEmbeddings in eval-mode forwards', () => {
  it('the native backend registers it, gated apart from the layer kernels', () => {
    expect(EMBEDDINGS_KERNEL).toBe('NerEmbeddings');
    expect(NATIVE_KERNELS).toContain(EMBEDDINGS_KERNEL);
    expect(INFERENCE_KERNELS).not.toContain(EMBEDDINGS_KERNEL);
  });

  for (const testCase of RANDOM_BIAS_CASES) {
    for (const [label, batch] of [
      ['fixture batch', () => testCase.batch()],
      ['batch of 32', () => batchOf32(testCase.batch())],
    ] as const) {
      it(`${testCase.name}, ${label}: one kernel, logits bit for bit the composite ops'`, async () => {
        const fused = await forward(testCase, batch(), 'native');
        expect(fused.kernels.filter((k) => k === EMBEDDINGS_KERNEL)).toHaveLength(1);
        const composite = await withoutKernel(EMBEDDINGS_KERNEL, () => forward(testCase, batch(), 'native'));
        expect(composite.kernels).not.toContain(EMBEDDINGS_KERNEL);
        expect(composite.kernels).toContain('GatherV2');
        expect(Array.from(fused.logits)).toEqual(Array.from(composite.logits));
        const cpu = await forward(testCase, batch(), 'cpu');
        expect(fused.logits.every((v, i) => Math.abs(v - cpu.logits[i]!) < 1e-5)).toBe(true);
      });
    }
  }

  it('training forwards and gradient tapes (computeGradients in eval mode) keep the composite ops', async () => {
    await useBackend('native');
    const testCase = RANDOM_BIAS_CASES[0]!;
    const model = testCase.build();
    const profile = await tf.profile(() => {
      const { loss, grads } = model.computeGradients(testCase.batch(), { training: false });
      tf.dispose([loss, ...grads.values()]);
      const out = model.forward(testCase.batch(), { training: true });
      tf.dispose(out as unknown as tf.TensorContainer);
    });
    model.dispose();
    expect(profile.kernels.map((k) => k.name)).not.toContain(EMBEDDINGS_KERNEL);
  });
});
