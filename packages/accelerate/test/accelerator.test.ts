import '@tensorflow/tfjs-backend-cpu';
import { DataLoader, HostTensor } from '@ner/collate';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Accelerator } from '../src/index.js';
import { startGroups } from './fixtures/groups.js';

// Two "processes" in one: two Accelerators over a group on a real loopback store.
async function pair(): Promise<[Accelerator, Accelerator]> {
  const groups = await startGroups(2);
  return [new Accelerator({ processGroup: groups[0] }), new Accelerator({ processGroup: groups[1] })];
}

async function endBoth(a: Accelerator, b: Accelerator): Promise<void> {
  await Promise.all([a.endTraining(), b.endTraining()]);
}

describe('Accelerator (2 ranks in one process)', () => {
  it('knows its place and steps prepared schedulers once per process', async () => {
    await tf.setBackend('cpu');
    const [a, b] = await pair();
    expect([a.isMainProcess, b.isMainProcess, a.numProcesses, b.processIndex]).toEqual([true, false, 2, 1]);
    // A linear decay over 10 steps from lr 1, as transformers' get_linear_schedule_with_warmup.
    let steps = 0;
    const scheduler = {
      step: () => {
        steps += 1;
      },
      getLastLr: () => [1 - steps / 10],
      stateDict: () => ({ steps }),
    };
    const [prepared] = await a.prepare(scheduler);
    prepared.step();
    expect(prepared.getLastLr()[0]).toBeCloseTo(0.8, 12);
    await endBoth(a, b);
  });

  it('gathers, pads, reduces and averages gradients', async () => {
    const [a, b] = await pair();
    const both = <T>(fa: (x: Accelerator) => Promise<T>, fb: (x: Accelerator) => Promise<T>) =>
      Promise.all([fa(a), fb(b)]);
    const [g0, g1] = await both(
      (x) => x.gather(tf.tensor2d([[1, 2]], undefined, 'int32')),
      (x) => x.gather(tf.tensor2d([[3, 4]], undefined, 'int32')),
    );
    expect(g0.arraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(g1.arraySync()).toEqual(g0.arraySync());
    const [p0, p1] = await both(
      (x) =>
        x.padAcrossProcesses(new HostTensor(Int32Array.from([7, 7]), [1, 2], 'int32'), {
          dim: 1,
          padIndex: -100,
        }),
      (x) =>
        x.padAcrossProcesses(new HostTensor(Int32Array.from([8, 8, 8]), [1, 3], 'int32'), {
          dim: 1,
          padIndex: -100,
        }),
    );
    expect([...p0.data]).toEqual([7, 7, -100]);
    expect([...p1.data]).toEqual([8, 8, 8]);
    const [r0] = await both(
      (x) => x.reduce(tf.tensor1d([1, 2]), 'mean'),
      (x) => x.reduce(tf.tensor1d([3, 6]), 'mean'),
    );
    expect([...r0.dataSync()]).toEqual([2, 4]);
    const [m0, m1] = await both(
      (x) => x.reduceGradients(new Map([['w', tf.tensor1d([1, 0])]])),
      (x) => x.reduceGradients(new Map([['w', tf.tensor1d([0, 1])]])),
    );
    expect([...m0.get('w')!.dataSync()]).toEqual([0.5, 0.5]);
    expect([...m1.get('w')!.dataSync()]).toEqual([0.5, 0.5]);
    await expect(
      both(
        (x) => x.gather(tf.tensor2d([[1, 2]])),
        (x) => x.gather(tf.tensor2d([[1, 2, 3]])),
      ),
    ).rejects.toThrow(/padAcrossProcesses/);
    // A failed gather leaves both in step (the header exchange passed): they still end together.
    await endBoth(a, b);
  });

  it('shards a user-built DataLoader, keeping its collate function and order', async () => {
    const [a, b] = await pair();
    const rows = [0, 1, 2, 3, 4].map((id) => ({ id }));
    const make = () =>
      new DataLoader(rows, {
        batchSize: 2,
        collateFn: (batch: { id: number }[]) => batch.map((r) => r.id * 10),
      });
    const [l0] = await a.prepare(make());
    const [l1] = await b.prepare(make());
    expect([...l0]).toEqual([
      [0, 10],
      [40, 0],
    ]);
    expect([...l1]).toEqual([
      [20, 30],
      [10, 20],
    ]);
    expect(l0.length).toBe(2);
    await endBoth(a, b);
  });
});
