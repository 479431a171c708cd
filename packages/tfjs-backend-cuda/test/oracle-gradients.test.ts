// The first-step gradients of the trained oracle checkpoints on cuda (fake device) against
// Python's loss.backward(), each relative to its own norm (as @ner/models' oracle suite does).
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import {
  AutoModelForSequenceClassification,
  AutoModelForTokenClassification,
  entryToFloat32,
  parseSafetensors,
} from '@ner/models';
import { sharedPath } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getFallbackCounts, resetFallbackCounts } from '../src/fallback.js';
import { useFakeCuda } from './fake-backend.js';

beforeAll(async () => {
  await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

/** A key bias only shifts each softmax row by a constant: its true gradient is zero, Python's is noise. */
const STRUCTURALLY_ZERO = /\.attention\.(self\.key|k_lin)\.bias$/;

function norm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  return Math.sqrt(sum);
}

const manifest = JSON.parse(readFileSync(sharedPath('oracle', 'models', 'manifest.json'), 'utf8')) as {
  models: Record<string, { task: string; loss: number; train?: unknown }>;
};
const trained = Object.entries(manifest.models).filter(([, info]) => info.train !== undefined);

it.each(trained)(
  '%s: every gradient within 1e-4 of Python (relative to its norm), no fallback',
  async (name, info) => {
    const dir = sharedPath('oracle', 'models', name);
    const auto = info.task === 'token' ? AutoModelForTokenClassification : AutoModelForSequenceClassification;
    const model = await auto.fromPretrained(dir, { logger: { warn: () => {} } });
    const batches = JSON.parse(readFileSync(`${dir}/train/batches.json`, 'utf8'));
    const first = Array.isArray(batches) ? batches[0] : batches.batches[0];
    const labels = tf.tensor(first.labels, undefined, first.labels_dtype === 'float32' ? 'float32' : 'int32');
    resetFallbackCounts();
    const { loss, grads } = model.computeGradients(
      {
        input_ids: first.input_ids,
        attention_mask: first.attention_mask,
        token_type_ids: first.token_type_ids ?? null,
        labels,
      },
      { training: false },
    );
    expect(Math.abs(loss.dataSync()[0]! - info.loss) / info.loss).toBeLessThan(1e-5);
    const path = `${dir}/train/grads_step1.safetensors`;
    const expected = parseSafetensors(readFileSync(path), path).tensors;
    expect([...grads.keys()].sort()).toEqual([...expected.keys()].sort());
    const wants = new Map([...expected].map(([key, entry]) => [key, entryToFloat32(entry, key)]));
    const scale = Math.max(...[...wants.values()].map(norm));
    for (const [key, want] of wants) {
      const got = grads.get(key)!.dataSync();
      if (STRUCTURALLY_ZERO.test(key)) {
        expect(norm(got), key).toBeLessThanOrEqual(1e-6 * scale);
        continue;
      }
      let diff = 0;
      for (let i = 0; i < want.length; i++) diff += (got[i]! - want[i]!) ** 2;
      expect(Math.sqrt(diff) / norm(want), key).toBeLessThanOrEqual(1e-4);
    }
    expect(getFallbackCounts()).toEqual({});
    tf.dispose([loss, labels, ...grads.values()]);
    model.dispose();
  },
);
