// Backend selection, and the wasm backend against the Python oracle (its kernels differ from cpu's).
import '@tensorflow/tfjs-backend-cpu';
import { nativeBackendInfo } from '@ner/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AutoModelForTokenClassification,
  BackendError,
  initBackend,
  resetBackendChoice,
} from '../src/index.js';
import { modelDir, readInputs, readTensors, worstError } from './oracle.js';

afterAll(async () => {
  resetBackendChoice();
  await tf.setBackend('cpu');
});

describe('initBackend', () => {
  it('NER_BACKEND forces a backend and the choice is logged once', async () => {
    resetBackendChoice();
    const lines: string[] = [];
    const info = await initBackend({ env: { NER_BACKEND: 'cpu' }, log: (line) => lines.push(line) });
    expect(info.choice).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    await initBackend({ env: { NER_BACKEND: 'cpu' }, log: (line) => lines.push(line) });
    expect(lines).toEqual(['[@ner/models] TensorFlow.js backend: cpu (cpu, forced by NER_BACKEND)']);
  });

  it('a forced backend that is not installed is an error, an unknown name too', async () => {
    resetBackendChoice();
    await expect(initBackend({ env: { NER_BACKEND: 'tfjs-node' }, log: null })).rejects.toThrow(
      /NER_BACKEND=tfjs-node but @tensorflow\/tfjs-node cannot be used/,
    );
    resetBackendChoice();
    await expect(initBackend({ env: { NER_BACKEND: 'cuda' }, log: null })).rejects.toThrow(BackendError);
  });

  it('without NER_BACKEND, skips the backends that are not installed and takes native (or wasm without its addon)', async () => {
    resetBackendChoice();
    const lines: string[] = [];
    const info = await initBackend({ env: {}, log: (line) => lines.push(line) });
    if (nativeBackendInfo().available) {
      expect(info.skipped.map((line) => line.split(':')[0])).toEqual(['tfjs-node-gpu', 'tfjs-node']);
      expect(info.choice).toBe('native');
      expect(tf.getBackend()).toBe('native');
      expect(lines).toEqual(['[@ner/models] TensorFlow.js backend: native (native)']);
    } else {
      expect(info.skipped.map((line) => line.split(':')[0])).toEqual([
        'tfjs-node-gpu',
        'tfjs-node',
        'native',
      ]);
      expect(info.choice).toBe('wasm');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^\[@ner\/models\] TensorFlow\.js backend: wasm \(wasm; native unavailable: /);
    }
  });

  it('prefer: wasm goes before native', async () => {
    resetBackendChoice();
    const info = await initBackend({ env: {}, prefer: 'wasm', log: null });
    expect(info.choice).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('the wasm backend reproduces the oracle logits and gradients', async () => {
    resetBackendChoice();
    await initBackend({ env: { NER_BACKEND: 'wasm' }, log: null });
    const inputs = readInputs('bert-token-cls');
    const model = await AutoModelForTokenClassification.fromPretrained(modelDir('bert-token-cls'));
    const batch = {
      inputIds: inputs.input_ids,
      attentionMask: inputs.attention_mask,
      tokenTypeIds: inputs.token_type_ids ?? null,
      labels: inputs.labels as number[][],
    };
    const output = model.forward(batch);
    const logits = readTensors('bert-token-cls', 'outputs.safetensors').get('logits')!;
    expect(worstError(output.logits.dataSync(), logits.data, 1e-5, 1e-4).ratio).toBeLessThanOrEqual(1);
    const { loss, grads } = model.computeGradients(batch);
    for (const [name, want] of readTensors('bert-token-cls', 'train', 'grads_step1.safetensors')) {
      const { ratio, maxAbs } = worstError(grads.get(name)!.dataSync(), want.data, 1e-5, 1e-3);
      expect(ratio, `${name}: ${maxAbs}`).toBeLessThanOrEqual(1);
    }
    tf.dispose([output as unknown as tf.TensorContainer, loss, ...grads.values()]);
    model.dispose();
  });
});
