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
  it('gradMultiplier without fused kernels (cpu): the bits of gradients multiplied first, a scalar param included', async () => {
    await tf.setBackend('cpu');
    const bits = (t: tf.Tensor) => Array.from(new Uint32Array(t.dataSync().slice().buffer));
    const c = Math.fround(0.37);
    const run = (mode: 'input' | 'prescaled') => {
      const w = tf.tidy(() => tf.variable(tf.tensor2d([0.5, -1.25, 2, 0.125], [2, 2])));
      const s = tf.tidy(() => tf.variable(tf.scalar(0.75)));
      const optimizer = new AdamW(
        [
          ['w', w],
          ['s', s],
        ],
        { lr: 0.01 },
      );
      for (let step = 1; step <= 2; step++) {
        const raw = new Map<string, tf.Tensor>([
          ['w', tf.tensor2d([0.2 * step, -0.4, 0.3, -0.1], [2, 2])],
          ['s', tf.scalar(-0.6 / step)],
        ]);
        // The multiplier as the Trainer makes it, or of shape [1]: the scalar param keeps its shape.
        const multiplier = step === 1 ? tf.scalar(c) : tf.tensor1d([c]);
        if (mode === 'input') optimizer.step(raw, { gradMultiplier: multiplier });
        else {
          const scaled = new Map([...raw].map(([name, g]) => [name, tf.mul(g, c)] as [string, tf.Tensor]));
          optimizer.step(scaled);
          tf.dispose([...scaled.values()]);
        }
        tf.dispose([...raw.values(), multiplier]);
      }
      const state = optimizer.stateDict().state;
      const result = [bits(w), bits(s), [...state.w!.expAvg.data], [...state.s!.expAvgSq.data]];
      expect(s.shape).toEqual([]);
      optimizer.dispose();
      tf.dispose([w, s]);
      return result;
    };
    const before = tf.memory().numTensors;
    expect(run('input')).toEqual(run('prescaled'));
    expect(tf.memory().numTensors).toBe(before);
  });
  it('a gradMultiplier that is not one float32 number throws OptimizerError before any update', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const optimizer = new AdamW([['w', w]]);
    const grads = new Map([['w', tf.tensor1d([0.5, 0.5])]]);
    const disposed = tf.scalar(1);
    disposed.dispose();
    for (const [multiplier, message] of [
      [
        tf.tensor1d([0.5, 0.5]),
        /gradMultiplier must be a float32 tensor of one element, got float32 of shape \[2\]/,
      ],
      [tf.scalar(1, 'int32'), /got int32 of shape \[\]/],
      [disposed, /gradMultiplier tensor is disposed/],
    ] as const) {
      expect(() => optimizer.step(grads, { gradMultiplier: multiplier })).toThrow(OptimizerError);
      expect(() => optimizer.step(grads, { gradMultiplier: multiplier })).toThrow(message);
      if (!multiplier.isDisposed) multiplier.dispose();
    }
    expect(Array.from(w.dataSync())).toEqual([1, 2]);
    expect(optimizer.stateDict().state).toEqual({});
    optimizer.dispose();
    tf.dispose([w, ...grads.values()]);
  });
});
