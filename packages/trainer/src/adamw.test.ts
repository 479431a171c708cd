import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AdamW } from './adamw.js';
import { OptimizerError } from './errors.js';

describe('AdamW', () => {
  it('first step by hand: decay, then lr * sign-ish update', async () => {
    await tf.setBackend('cpu');
    const w = tf.variable(tf.tensor1d([1, -2]));
    const optimizer = new AdamW([['w', w]], { lr: 0.1, weightDecay: 0.5 });
    const g = tf.tensor1d([0.2, -0.4]);
    optimizer.step(new Map([['w', g]]));
    // p *= 1 - 0.05; m_hat = g, sqrt(v_hat) = |g| → update = lr * g/(|g| + eps)
    const expected = [0.95 - 0.1 * (0.2 / (0.2 + 1e-8)), -1.9 + 0.1 * (0.4 / (0.4 + 1e-8))];
    const got = w.dataSync();
    expect(got[0]).toBeCloseTo(expected[0]!, 6);
    expect(got[1]).toBeCloseTo(expected[1]!, 6);
    const snapshot = optimizer.stateDict();
    expect(snapshot.state.w!.step).toBe(1);
    expect(snapshot.paramGroups[0]!.params).toEqual(['w']);
    optimizer.dispose();
    tf.dispose([w, g]);
  });
  it('skips weights without a gradient and rejects bad input', () => {
    const a = tf.variable(tf.scalar(1));
    const b = tf.variable(tf.scalar(2));
    const optimizer = new AdamW([{ params: [['a', a]] }, { params: [['b', b]], weightDecay: 0 }]);
    optimizer.step(new Map([['a', tf.scalar(1)]]));
    expect(b.dataSync()[0]).toBe(2);
    expect(() => optimizer.step(new Map([['a', tf.tensor1d([1, 2])]]))).toThrow(/shape/);
    expect(() => new AdamW([['a', a]], { lr: -1 })).toThrow(OptimizerError);
    expect(() => new AdamW([{ params: [['a', a]] }, { params: [['a', a]] }])).toThrow(/more than one group/);
    optimizer.dispose();
    tf.dispose([a, b]);
  });
});
