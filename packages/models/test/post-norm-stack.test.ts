// runPostNormStack on the fused inference path (native) when the context says the hidden states are
// not wanted (`outputHiddenStates: false`): each layer's output is disposed as soon as the next
// layer has read it (fewer live tensors, buffers reused), the last hidden state is the same bits,
// the caller's embedded input survives, and no hidden states are returned.
import { nativeBackendInfo } from '@ner/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { BERT_LAYER_NAMES } from '../src/bert/layer-names.js';
import { extendedAttentionMask, type ForwardContext, geluErf } from '../src/nn.js';
import { ParameterRegistry } from '../src/parameter-registry.js';
import { createTransformerStack, runPostNormStack } from '../src/post-norm-stack.js';
import { SeededRandom } from '../src/seeded-random.js';
import { restoreCpu, useBackend } from './backends.js';

afterAll(async () => {
  await restoreCpu();
});

describe.skipIf(!nativeBackendInfo().available)('runPostNormStack without hidden states', () => {
  it('disposes each layer output once read, same last hidden state, embedded kept', async () => {
    await useBackend('native');
    const [batch, length, hidden, heads, layerCount] = [2, 5, 32, 4, 4];
    const registry = new ParameterRegistry(new SeededRandom(19));
    const layers = createTransformerStack(registry, 'encoder.layer.', layerCount, BERT_LAYER_NAMES, {
      hidden,
      intermediate: 48,
      std: 0.2,
    });
    const spec = {
      heads,
      hiddenSize: hidden,
      eps: 1e-12,
      act: geluErf,
      attentionDropout: 0,
      attentionOutputDropout: 0,
      ffnDropout: 0,
      scaleQueryFirst: false,
    };
    const embedded = tf.randomNormal([batch, length, hidden], 0, 1, 'float32', 7);
    const padding = tf.tensor2d([1, 1, 1, 1, 1, 1, 1, 1, 0, 0], [batch, length]);
    const mask = extendedAttentionMask(padding);
    const run = (outputHiddenStates: boolean) => {
      const ctx = {
        training: false,
        rng: new SeededRandom(1),
        outputAttentions: false,
        outputHiddenStates,
      } as ForwardContext;
      const before = tf.memory().numTensors;
      const result = runPostNormStack(layers, embedded, mask, ctx, spec);
      const live = tf.memory().numTensors - before;
      const values = result.lastHiddenState.dataSync().slice();
      const states = result.hiddenStates.length;
      tf.dispose(result.hiddenStates.filter((t) => t !== embedded));
      result.lastHiddenState.dispose();
      return { live, values, states };
    };
    const kept = run(true);
    const dropped = run(false);
    expect(kept.states).toBe(layerCount + 1);
    expect(kept.live).toBe(layerCount);
    expect(dropped.states).toBe(0);
    expect(dropped.live).toBe(1); // the last hidden state alone
    expect(Array.from(dropped.values)).toEqual(Array.from(kept.values));
    expect(embedded.isDisposed).toBe(false);
    tf.dispose([embedded, padding, mask]);
    for (const variable of registry.variables.values()) variable.dispose();
  });
});
