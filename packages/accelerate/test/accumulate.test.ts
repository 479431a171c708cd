// Accelerator.accumulate against accelerate's gradient accumulation: which micro-batches end a
// group (every N-th, and a loader's last), gradients divided by N and summed, one all-reduce per
// group across processes, and prepared schedulers stepping only when the group ends.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AccelerateError, Accelerator } from '../src/index.js';
import { closeAll, startGroups } from './fixtures/groups.js';
import { batchOf, CountingScheduler, row, tinyModel } from './fixtures/tiny.mjs';

type Grads = Map<string, tf.Tensor>;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function rowsOf(ids: number[]) {
  return ids.map(row);
}

/** The model's gradients on `ids` (mean loss over those rows), no process group involved. */
function gradsOn(model: ReturnType<typeof tinyModel>, ids: number[]): Grads {
  const batch = batchOf(rowsOf(ids));
  // batchOf's keys are the model batch's (input_ids, attention_mask, labels).
  const { loss, grads } = model.computeGradients(batch as never, { training: false });
  tf.dispose([loss, ...Object.values(batch)]);
  return grads;
}

/** sum_i weights[i] * parts[i], per parameter, as plain arrays. */
function combine(parts: Grads[], weights: number[]): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const name of parts[0]!.keys()) {
    const sum = new Float32Array(parts[0]!.get(name)!.size);
    for (const [p, part] of parts.entries()) {
      const values = part.get(name)!.dataSync();
      for (let i = 0; i < sum.length; i++) sum[i]! += weights[p]! * values[i]!;
    }
    out.set(name, sum);
  }
  return out;
}

function maxDiff(got: Grads, want: Map<string, Float32Array>): number {
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  let worst = 0;
  for (const [name, expected] of want) {
    const values = got.get(name)!.dataSync();
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(values[i]! - expected[i]!));
  }
  return worst;
}

const dispose = (grads: Grads | null | undefined) => {
  if (grads) tf.dispose([...grads.values()]);
};

describe('Accelerator.accumulate (one process)', () => {
  it('ends a group every N micro-batches and at the loader end, with the sum of grads / N', async () => {
    const accelerator = new Accelerator({ gradientAccumulationSteps: 2 });
    const model0 = tinyModel();
    // 10 rows in batches of 2: 5 micro-batches an epoch, so the epoch's last group has one.
    const [model, scheduler] = await accelerator.prepare(model0, new CountingScheduler());
    const loader = accelerator.prepareDataLoader(
      Array.from({ length: 10 }, (_, i) => i),
      { batchSize: 2, collateFn: (ids: number[]) => ({ ids, batch: batchOf(rowsOf(ids)) }) },
    );
    const micro = [0, 2, 4, 6, 8].map((first) => gradsOn(model0, [first, first + 1]));
    const expected = [
      null,
      combine(micro.slice(0, 2), [0.5, 0.5]),
      null,
      combine(micro.slice(2, 4), [0.5, 0.5]),
      combine([micro[4]!], [0.5]),
    ];
    const tensorsBefore = tf.memory().numTensors;
    for (const epoch of [0, 1]) {
      loader.setEpoch(epoch);
      const syncs: boolean[] = [];
      let call = 0;
      for (const { ids, batch } of loader) {
        expect(ids).toEqual([2 * call, 2 * call + 1]);
        const { loss, grads } = await accelerator.accumulate(model, batch, { training: false });
        syncs.push(accelerator.syncGradients);
        const want = expected[call]!;
        if (want === null) expect(grads).toBeNull();
        else expect(maxDiff(grads!, want)).toBeLessThan(1e-7);
        // The loss handed back is the micro-batch's own, not divided by N.
        expect(loss.dataSync()[0]).toBeGreaterThan(0);
        scheduler.step();
        tf.dispose([loss, ...Object.values(batch)]);
        dispose(grads);
        call += 1;
      }
      // accelerate's pattern: sync on the 2nd and 4th, and on the loader's last, which resets the count.
      expect(syncs).toEqual([false, true, false, true, true]);
    }
    // Nothing left behind by ten micro-batches: every sum was handed over and disposed.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    // The prepared scheduler stepped only when a group ended: 3 times an epoch.
    expect(scheduler.scheduler.stateDict()).toEqual({ count: 6 });
    for (const grads of micro) dispose(grads);
    await accelerator.endTraining();
  });

  it('without accumulation (N = 1) hands over every micro-batch its own gradients', async () => {
    const accelerator = new Accelerator();
    expect(accelerator.gradientAccumulationSteps).toBe(1);
    const model = tinyModel();
    const batch = batchOf(rowsOf([3, 4]));
    const want = combine([gradsOn(model, [3, 4])], [1]);
    const { loss, grads } = await accelerator.accumulate(model, batch, { training: false });
    expect(accelerator.syncGradients).toBe(true);
    expect(maxDiff(grads!, want)).toBe(0);
    tf.dispose([loss, ...Object.values(batch)]);
    dispose(grads);
  });

  it('endTraining frees the gradients of a group cut short', async () => {
    const accelerator = new Accelerator({ gradientAccumulationSteps: 4 });
    const model = tinyModel();
    const batch = batchOf(rowsOf([1, 2]));
    // A first pass makes what the model caches (tensors it keeps between calls).
    dispose(gradsOn(model, [1, 2]));
    const before = tf.memory().numTensors;
    const { loss, grads } = await accelerator.accumulate(model, batch, { training: false });
    expect(grads).toBeNull();
    loss.dispose();
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    await accelerator.endTraining();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(Object.values(batch));
  });

  it('reads ACCELERATE_GRADIENT_ACCUMULATION_STEPS as accelerate does, and refuses bad values by name', () => {
    vi.stubEnv('ACCELERATE_GRADIENT_ACCUMULATION_STEPS', '3');
    expect(new Accelerator().gradientAccumulationSteps).toBe(3);
    expect(new Accelerator({ gradientAccumulationSteps: 2 }).gradientAccumulationSteps).toBe(2);
    for (const bad of ['0', 'two', '1.5', '-2']) {
      vi.stubEnv('ACCELERATE_GRADIENT_ACCUMULATION_STEPS', bad);
      expect(() => new Accelerator()).toThrow(
        new AccelerateError(
          `Accelerator: ACCELERATE_GRADIENT_ACCUMULATION_STEPS must be an integer >= 1, got ${JSON.stringify(bad)}`,
        ),
      );
    }
    vi.unstubAllEnvs();
    expect(() => new Accelerator({ gradientAccumulationSteps: 0 })).toThrow(
      'Accelerator: gradientAccumulationSteps must be an integer >= 1, got 0',
    );
  });
});

describe('Accelerator.accumulate (2 ranks in one process)', () => {
  it('averages each group once over processes: the mean gradient of all micro-batches of all ranks', async () => {
    const groups = await startGroups(2);
    const ranks = groups.map(
      (group) => new Accelerator({ processGroup: group, gradientAccumulationSteps: 2 }),
    );
    const reduces = groups.map((group) => vi.spyOn(group, 'allReduce'));
    const model0 = tinyModel();
    // 8 rows, batches of 2: rank 0 gets rows 0,1 then 4,5; rank 1 gets 2,3 then 6,7.
    const outcomes = await Promise.all(
      ranks.map(async (accelerator) => {
        const [model] = await accelerator.prepare(tinyModel());
        const loader = accelerator.prepareDataLoader(
          Array.from({ length: 8 }, (_, i) => i),
          { batchSize: 2, collateFn: (ids: number[]) => batchOf(rowsOf(ids)) },
        );
        const handed: (Grads | null)[] = [];
        for (const batch of loader) {
          const { loss, grads } = await accelerator.accumulate(model, batch, { training: false });
          handed.push(grads);
          tf.dispose([loss, ...Object.values(batch)]);
        }
        return handed;
      }),
    );
    // One all-reduce per rank for the whole group (the gradients), none for the first micro-batch.
    expect(reduces.map((spy) => spy.mock.calls.length)).toEqual([1, 1]);
    const parts = [
      [0, 1],
      [4, 5],
      [2, 3],
      [6, 7],
    ].map((ids) => gradsOn(model0, ids));
    const want = combine(parts, [0.25, 0.25, 0.25, 0.25]);
    for (const handed of outcomes) {
      expect(handed[0]).toBeNull();
      expect(maxDiff(handed[1]!, want)).toBeLessThan(1e-6);
      dispose(handed[1]);
    }
    for (const grads of parts) dispose(grads);
    await Promise.all(ranks.map((accelerator) => accelerator.endTraining()));
    await closeAll(groups);
  });
});
