import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AdamW, type AdamWStateDict } from './adamw.js';
import { OptimizerError } from './errors.js';

/** An optimizer over two weights in two groups, after one step (so it has moments). */
function stepped(): { optimizer: AdamW; dict: AdamWStateDict; dispose: () => void } {
  const a = tf.variable(tf.tensor1d([1, 2, 3]));
  const b = tf.variable(tf.scalar(4));
  const optimizer = new AdamW([{ params: [['a', a]] }, { params: [['b', b]], weightDecay: 0 }], { lr: 0.1 });
  const grads = new Map<string, tf.Tensor>([
    ['a', tf.tensor1d([0.1, -0.2, 0.3])],
    ['b', tf.scalar(0.5)],
  ]);
  optimizer.step(grads);
  tf.dispose([...grads.values()]);
  return {
    optimizer,
    dict: optimizer.stateDict(),
    dispose: () => {
      optimizer.dispose();
      tf.dispose([a, b]);
    },
  };
}

// The snapshot as JSON-like data that a test may break anywhere.
// biome-ignore lint/suspicious/noExplicitAny: the cases write wrong types on purpose.
type Snapshot = Record<string, any>;

/** A deep copy of the state dict with `edit` applied. */
function edited(dict: AdamWStateDict, edit: (copy: Snapshot) => void): unknown {
  const copy = structuredClone(dict) as Snapshot;
  edit(copy);
  return copy;
}

describe('AdamW.checkStateDict / loadStateDict on a bad snapshot', () => {
  const cases: [string, (d: Snapshot) => void, string][] = [
    [
      'not an object',
      (d) => {
        d.paramGroups = undefined;
      },
      'paramGroups must be an array, not undefined',
    ],
    [
      'a group fewer',
      (d) => {
        d.paramGroups.pop();
      },
      'the snapshot has 1 parameter groups, the optimizer has 2.',
    ],
    [
      'lr a string',
      (d) => {
        d.paramGroups[1].lr = '0.1';
      },
      'paramGroups[1].lr must be a finite number >= 0, not "0.1"',
    ],
    [
      'eps negative',
      (d) => {
        d.paramGroups[0].eps = -1;
      },
      'paramGroups[0].eps must be a finite number >= 0, not -1',
    ],
    [
      'one beta',
      (d) => {
        d.paramGroups[0].betas = [0.9];
      },
      'paramGroups[0].betas must be two numbers in [0, 1), not [0.9]',
    ],
    [
      'a beta of 1',
      (d) => {
        d.paramGroups[0].betas = [0.9, 1];
      },
      'paramGroups[0].betas must be two numbers in [0, 1), not [0.9,1]',
    ],
    [
      'other names',
      (d) => {
        d.paramGroups[0].params = ['z'];
      },
      'group 0 holds different parameters than the snapshot.',
    ],
    [
      'unknown weight',
      (d) => {
        d.state.z = d.state.a;
      },
      'unknown parameter "z" in the snapshot.',
    ],
    [
      'step negative',
      (d) => {
        d.state.a.step = -1;
      },
      'state["a"].step must be an integer from 0 to 2^53-1, not -1',
    ],
    [
      'step fractional',
      (d) => {
        d.state.b.step = 0.5;
      },
      'state["b"].step must be an integer from 0 to 2^53-1, not 0.5',
    ],
    [
      'moments of another shape',
      (d) => {
        d.state.a.expAvg.shape = [2];
      },
      'moments of "a" have shape [2], the parameter has [3].',
    ],
    [
      'moments too short',
      (d) => {
        d.state.a.expAvgSq.data = new Float32Array(2);
      },
      'state["a"].expAvgSq.data must be a Float32Array or an array of 3 numbers',
    ],
    [
      'moments an array of strings',
      (d) => {
        d.state.b.expAvg.data = ['0'];
      },
      'state["b"].expAvg.data must be a Float32Array or an array of 1 numbers',
    ],
  ];
  it.each(cases)('%s: OptimizerError naming it, and the optimizer unchanged', (_what, edit, message) => {
    const { optimizer, dict, dispose } = stepped();
    const bad = edited(dict, edit);
    expect(() => optimizer.checkStateDict(bad)).toThrow(
      new OptimizerError(`AdamW.loadStateDict: ${message}`),
    );
    // A later value being the bad one must not leave the groups before it restored (they used to be).
    optimizer.paramGroups[0]!.lr = 0.25;
    expect(() => optimizer.loadStateDict(bad as AdamWStateDict)).toThrow(OptimizerError);
    expect(optimizer.paramGroups[0]!.lr).toBe(0.25);
    expect(optimizer.stateDict().state).toEqual(dict.state);
    dispose();
  });

  it('moments given as arrays of numbers (a snapshot kept as plain JSON) load as Float32Arrays do', () => {
    const { optimizer, dict, dispose } = stepped();
    const plain = edited(dict, (d) => {
      for (const entry of Object.values(d.state) as Snapshot[]) {
        entry.expAvg.data = Array.from(entry.expAvg.data as Float32Array);
        entry.expAvgSq.data = Array.from(entry.expAvgSq.data as Float32Array);
      }
    });
    optimizer.loadStateDict(plain as AdamWStateDict);
    expect(optimizer.stateDict().state).toEqual(dict.state);
    dispose();
  });

  it('a good snapshot passes the check and loads', () => {
    const { optimizer, dict, dispose } = stepped();
    optimizer.paramGroups[0]!.lr = 0.25;
    expect(() => optimizer.checkStateDict(dict)).not.toThrow();
    optimizer.loadStateDict(dict);
    expect(optimizer.paramGroups[0]!.lr).toBe(0.1);
    dispose();
  });
});
