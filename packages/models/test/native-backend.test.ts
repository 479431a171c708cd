// The native backend (@ner/tfjs-backend-native) against the Python oracle: forward
// outputs (logits, loss, hidden states, attentions) and first-step gradients of every
// oracle model, and the wasm fallback when its addon is not built. Tolerances are the
// cpu oracle tests' (forward 1e-5 abs + 1e-5 rel, gradients 1e-5 abs + 1e-4 rel).
import '@tensorflow/tfjs-backend-cpu';
import { readFileSync } from 'node:fs';
import { nativeBackendInfo } from '@ner/tfjs-backend-native';
import { sharedPath } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  AutoModelForSequenceClassification,
  AutoModelForTokenClassification,
  initBackend,
  resetBackendChoice,
} from '../src/index.js';
import { manifest, modelDir, readInputs, readTensors, worstError } from './oracle.js';

const native = nativeBackendInfo();
if (!native.available)
  console.warn(`[@ner/models tests] native backend oracle tests skipped: ${native.reason}`);
const d = describe.skipIf(!native.available);

afterAll(async () => {
  resetBackendChoice();
  await tf.setBackend('cpu');
});

async function useNative(): Promise<void> {
  resetBackendChoice();
  const info = await initBackend({ env: { NER_BACKEND: 'native' }, log: null });
  expect(info.backendName).toBe('native');
}

d.each(Object.entries(manifest.models))('native backend, oracle forward: %s', (name, info) => {
  it('matches logits, loss, hidden states and attentions', async () => {
    await useNative();
    const auto = info.task === 'token' ? AutoModelForTokenClassification : AutoModelForSequenceClassification;
    const model = await auto.fromPretrained(modelDir(name), { logger: { warn: () => {} } });
    const inputs = readInputs(name);
    const labels = tf.tensor(
      inputs.labels as number[],
      undefined,
      inputs.labels_dtype === 'float32' ? 'float32' : 'int32',
    );
    const before = tf.memory().numTensors;
    const output = model.forward(
      {
        inputIds: inputs.input_ids,
        attentionMask: inputs.attention_mask,
        tokenTypeIds: inputs.token_type_ids ?? null,
        labels,
      },
      { training: false, outputHiddenStates: true, outputAttentions: true },
    );
    const actual = new Map<string, tf.Tensor>([['logits', output.logits]]);
    if (output.loss) actual.set('loss', output.loss);
    for (const [i, t] of (output.hiddenStates ?? []).entries()) actual.set(`hidden_states.${i}`, t);
    for (const [i, t] of (output.attentions ?? []).entries()) actual.set(`attentions.${i}`, t);
    const expected = readTensors(name, 'outputs.safetensors');
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, want] of expected) {
      const got = actual.get(key)!;
      expect(got.shape, key).toEqual(want.shape);
      const { ratio, maxAbs } = worstError(got.dataSync(), want.data, 1e-5, 1e-5);
      expect(ratio, `${key} max abs diff ${maxAbs}`).toBeLessThanOrEqual(1);
    }
    expect(Math.abs(output.loss!.dataSync()[0]! - info.loss) / info.loss).toBeLessThan(1e-5);
    tf.dispose(output as unknown as tf.TensorContainer);
    expect(tf.memory().numTensors).toBe(before);
    labels.dispose();
    model.dispose();
  });
});

const trained = Object.entries(manifest.models).filter(([, info]) => 'train' in info);

d.each(trained)('native backend, oracle gradients: %s', (name, info) => {
  it('match grads_step1 for every parameter, and no tensor leaks', async () => {
    await useNative();
    const auto = info.task === 'token' ? AutoModelForTokenClassification : AutoModelForSequenceClassification;
    const model = await auto.fromPretrained(modelDir(name));
    const batches = JSON.parse(
      readFileSync(sharedPath('oracle', 'models', name, 'train', 'batches.json'), 'utf8'),
    );
    const first = Array.isArray(batches) ? batches[0] : batches.batches[0];
    const labels = tf.tensor(first.labels, undefined, first.labels_dtype === 'float32' ? 'float32' : 'int32');
    const batch = {
      inputIds: first.input_ids,
      attentionMask: first.attention_mask,
      tokenTypeIds: first.token_type_ids ?? null,
      labels,
    };
    const before = tf.memory().numTensors;
    const { loss, grads } = model.computeGradients(batch, { training: false });
    expect(Math.abs(loss.dataSync()[0]! - info.loss) / info.loss).toBeLessThan(1e-5);
    const expected = readTensors(name, 'train', 'grads_step1.safetensors');
    expect([...grads.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, want] of expected) {
      const { ratio, maxAbs } = worstError(grads.get(key)!.dataSync(), want.data, 1e-5, 1e-4);
      expect(ratio, `${key}: max abs diff ${maxAbs}`).toBeLessThanOrEqual(1);
    }
    tf.dispose([loss, ...grads.values()]);
    // A second step (training mode, dropout on) leaves the tensor count where it was.
    const again = model.computeGradients(batch, { training: true });
    tf.dispose([again.loss, ...again.grads.values()]);
    expect(tf.memory().numTensors).toBe(before);
    labels.dispose();
    model.dispose();
  });
});

describe('native backend fallback', () => {
  it('without the addon, initBackend takes wasm and says why on its one line', async () => {
    vi.resetModules();
    vi.doMock('@ner/tfjs-backend-native', () => ({
      nativeBackendInfo: () => ({ available: false, reason: 'the native addon is not built (test)' }),
    }));
    try {
      const fresh = await import('../src/backend.js');
      fresh.resetBackendChoice();
      const lines: string[] = [];
      const info = await fresh.initBackend({ env: {}, log: (line) => lines.push(line) });
      expect(info.choice).toBe('wasm');
      expect(info.skipped).toContain('native: the native addon is not built (test)');
      expect(lines).toEqual([
        '[@ner/models] TensorFlow.js backend: wasm (wasm; native unavailable: the native addon is not built (test))',
      ]);
      fresh.resetBackendChoice();
      await expect(fresh.initBackend({ env: { NER_BACKEND: 'native' }, log: null })).rejects.toThrow(
        /NER_BACKEND=native but @ner\/tfjs-backend-native cannot be used: the native addon is not built/,
      );
    } finally {
      vi.doUnmock('@ner/tfjs-backend-native');
      vi.resetModules();
    }
  });
});
