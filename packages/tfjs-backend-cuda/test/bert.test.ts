// BERT on the cuda backend (fake device): the oracle forward against Python, a training step
// with no cpu fallback, and flat tensor counts and device bytes across training steps.
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import {
  AutoModelForSequenceClassification,
  AutoModelForTokenClassification,
  BertConfig,
  BertForTokenClassification,
  DistilBertConfig,
  DistilBertForTokenClassification,
  entryToFloat32,
  parseSafetensors,
} from '@ner/models';
import { sharedPath } from '@ner/test-support';
import { tinyBertSizes, tinyDistilBertSizes } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFallbackCounts, resetFallbackCounts } from '../src/fallback.js';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { ADAMW_KERNEL_NAME } from '../../../tools/kernel-contract/index.js';
import { cudaBackend, onRealGpu, useFakeCuda } from './fake-backend.js';

let device: FakeCudaDevice;

beforeAll(async () => {
  device = await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

const batch = {
  input_ids: [
    [2, 5, 9, 11, 3, 7],
    [2, 7, 3, 0, 0, 0],
  ],
  attention_mask: [
    [1, 1, 1, 1, 1, 1],
    [1, 1, 1, 0, 0, 0],
  ],
  labels: [
    [-100, 0, 1, 2, 1, -100],
    [-100, 2, -100, -100, -100, -100],
  ],
};

const tinyBert = () =>
  new BertForTokenClassification(new BertConfig({ ...tinyBertSizes(), numLabels: 3 }), { seed: 5 });

const tinyDistilBert = () =>
  new DistilBertForTokenClassification(new DistilBertConfig({ ...tinyDistilBertSizes(), numLabels: 3 }), {
    seed: 5,
  });

type Model = ReturnType<typeof tinyBert> | ReturnType<typeof tinyDistilBert>;

/** AdamW moments per parameter, updated in place by the NerAdamW kernel (as @ner/trainer does). */
function makeOptimizer(model: Model) {
  const state = new Map<string, { m: tf.Variable; v: tf.Variable }>();
  for (const [name, param] of model.namedParameters()) {
    state.set(name, { m: tf.variable(tf.zerosLike(param)), v: tf.variable(tf.zerosLike(param)) });
  }
  let step = 0;
  let inPlaceUpdates = 0;
  return {
    state,
    get inPlaceUpdates() {
      return inPlaceUpdates;
    },
    step(grads: ReadonlyMap<string, tf.Tensor>) {
      step += 1;
      const lr = 1e-3;
      for (const [name, param] of model.namedParameters()) {
        const grad = grads.get(name);
        if (!grad) continue;
        const { m, v } = state.get(name)!;
        const outputs = tf.engine().runKernel(
          ADAMW_KERNEL_NAME,
          { param, grad, m, v },
          {
            decayFactor: 1 - lr * 0.01,
            beta1: 0.9,
            beta2: 0.999,
            biasCorrection2Sqrt: Math.sqrt(1 - 0.999 ** step),
            eps: 1e-8,
            stepSize: lr / (1 - 0.9 ** step),
            inPlace: true,
          },
        ) as tf.Tensor[];
        if (outputs.length === 0) {
          inPlaceUpdates += 1;
          continue;
        }
        (param as tf.Variable).assign(outputs[0]!);
        m.assign(outputs[1]!);
        v.assign(outputs[2]!);
        tf.dispose(outputs);
      }
    },
    dispose() {
      for (const { m, v } of state.values()) tf.dispose([m, v]);
    },
  };
}

function trainingStep(model: Model, optimizer: ReturnType<typeof makeOptimizer>): number {
  const { loss, grads } = model.computeGradients(batch, { training: true });
  optimizer.step(grads);
  const value = loss.dataSync()[0]!;
  tf.dispose([loss, ...grads.values()]);
  return value;
}

describe.each([
  ['BERT', tinyBert],
  ['DistilBERT', tinyDistilBert],
])('%s training on cuda', (_, build) => {
  it('a forward, backward and NerAdamW step runs with no cpu fallback', () => {
    const model = build();
    const optimizer = makeOptimizer(model);
    resetFallbackCounts();
    if (!onRealGpu) device.resetCounters();
    trainingStep(model, optimizer);
    // The fused kernels ran (the models pick them by name on this backend).
    if (!onRealGpu) {
      for (const kernel of [
        'ner_layer_norm_f32',
        'ner_layer_norm_grad_f32',
        'ner_gelu_erf_f32',
        'ner_gelu_erf_grad_f32',
        'ner_adamw_f32',
        'ner_softmax_f32',
      ]) {
        expect(device.counters.launches[kernel], kernel).toBeGreaterThan(0);
      }
      expect(device.counters.launches.gemm).toBeGreaterThan(0);
    }
    const counts = getFallbackCounts();
    if (Object.keys(counts).length > 0) console.warn('cuda fallbacks in a training step:', counts);
    expect(counts).toEqual({});
    optimizer.dispose();
    model.dispose();
  });

  it('tensor count and device bytes in use stay flat over 5 steps; the loss goes down', () => {
    const model = build();
    const optimizer = makeOptimizer(model);
    const tensors: number[] = [];
    const bytes: number[] = [];
    const losses: number[] = [];
    for (let step = 0; step < 5; step++) {
      losses.push(trainingStep(model, optimizer));
      tensors.push(tf.memory().numTensors);
      bytes.push(cudaBackend().memory().bytesInUse);
    }
    expect(new Set(tensors).size, `tensors per step ${tensors}`).toBe(1);
    expect(new Set(bytes.slice(1)).size, `bytes in use per step ${bytes}`).toBe(1);
    expect(bytes[0]).toBeGreaterThanOrEqual(bytes[1]!);
    // Every parameter after the first step updates in place (its storage is its own).
    expect(optimizer.inPlaceUpdates).toBeGreaterThanOrEqual(4 * model.namedParameters().length);
    expect(losses[4]).toBeLessThan(losses[0]!);
    optimizer.dispose();
    model.dispose();
  });
});

describe('the @ner/models oracle on cuda', () => {
  const manifest = JSON.parse(readFileSync(sharedPath('oracle', 'models', 'manifest.json'), 'utf8')) as {
    models: Record<string, { task: string; loss: number }>;
  };
  // The GPU target is 1e-4 (float32 sums in another order); the fake device meets 1e-5.
  const tolerance = onRealGpu ? 1e-4 : 1e-5;

  it.each(Object.entries(manifest.models))(
    `%s logits and loss match Python within ${tolerance}`,
    async (name, info) => {
      const dir = sharedPath('oracle', 'models', name);
      const inputs = JSON.parse(readFileSync(`${dir}/inputs.json`, 'utf8')) as {
        input_ids: number[][];
        attention_mask: number[][];
        token_type_ids?: number[][];
        labels: number[][] | number[];
        labels_dtype: 'int64' | 'float32';
      };
      const path = `${dir}/outputs.safetensors`;
      const expected = parseSafetensors(readFileSync(path), path).tensors;
      const auto =
        info.task === 'token' ? AutoModelForTokenClassification : AutoModelForSequenceClassification;
      const model = await auto.fromPretrained(dir, { logger: { warn: () => {} } });
      const labels = tf.tensor(
        inputs.labels as number[],
        undefined,
        inputs.labels_dtype === 'float32' ? 'float32' : 'int32',
      );
      resetFallbackCounts();
      const before = tf.memory().numTensors;
      const output = model.forward(
        {
          input_ids: inputs.input_ids,
          attention_mask: inputs.attention_mask,
          token_type_ids: inputs.token_type_ids ?? null,
          labels,
        },
        { training: false },
      );
      const logitsEntry = expected.get('logits')!;
      const want = entryToFloat32(logitsEntry, 'logits');
      const got = output.logits.dataSync();
      expect(output.logits.shape).toEqual([...logitsEntry.shape]);
      let worst = 0;
      for (let i = 0; i < want.length; i++) {
        worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (tolerance + tolerance * Math.abs(want[i]!)));
      }
      expect(worst).toBeLessThanOrEqual(1);
      expect(Math.abs(output.loss!.dataSync()[0]! - info.loss) / info.loss).toBeLessThan(tolerance);
      expect(getFallbackCounts()).toEqual({});
      tf.dispose(output as unknown as tf.TensorContainer);
      expect(tf.memory().numTensors).toBe(before);
      labels.dispose();
      model.dispose();
    },
  );
});
