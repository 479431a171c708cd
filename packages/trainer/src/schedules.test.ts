import { describe, expect, it } from 'vitest';
import { OptimizerError } from './errors.js';
import { getScheduler, LambdaLR, scheduleLambda } from './schedules.js';

function fakeOptimizer(lr: number, groups = 1) {
  return { paramGroups: Array.from({ length: groups }, () => ({ lr, initialLr: lr })) };
}

function lrs(
  type: Parameters<typeof getScheduler>[0],
  steps: number,
  options: Parameters<typeof getScheduler>[2],
) {
  const scheduler = getScheduler(type, fakeOptimizer(1), options);
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    out.push(scheduler.getLastLr()[0]!);
    scheduler.step();
  }
  return out;
}

describe('getScheduler (transformers lambdas, worked by hand)', () => {
  it('linear: 0 on the first warmup step, then decays to 0', () => {
    // warmup 2, total 6: 0/2, 1/2, then (6-s)/(6-2)
    expect(lrs('linear', 8, { numWarmupSteps: 2, numTrainingSteps: 6 })).toEqual([
      0, 0.5, 1, 0.75, 0.5, 0.25, 0, 0,
    ]);
  });
  it('constant and constant_with_warmup', () => {
    expect(lrs('constant', 3, {})).toEqual([1, 1, 1]);
    expect(lrs('constant_with_warmup', 4, { numWarmupSteps: 2 })).toEqual([0, 0.5, 1, 1]);
  });
  it('cosine: half a wave after warmup', () => {
    const values = lrs('cosine', 6, { numWarmupSteps: 1, numTrainingSteps: 5 });
    // progress (s-1)/4 → 0.5 * (1 + cos(pi * progress))
    const expected = [0, 1, (1 + Math.SQRT1_2) / 2, 0.5, (1 - Math.SQRT1_2) / 2, 0];
    for (const [i, v] of values.entries()) expect(v).toBeCloseTo(expected[i]!, 12);
  });
  it('cosine_with_restarts with 2 cycles restarts halfway', () => {
    const f = scheduleLambda('cosine_with_restarts', {
      numWarmupSteps: 0,
      numTrainingSteps: 4,
      numCycles: 2,
    });
    expect(f(0)).toBeCloseTo(1, 12);
    expect(f(1)).toBeCloseTo(0.5, 12);
    expect(f(2)).toBeCloseTo(1, 12);
    expect(f(4)).toBe(0);
  });
  it('polynomial decays to lrEnd in absolute terms', () => {
    const f = scheduleLambda(
      'polynomial',
      { numWarmupSteps: 0, numTrainingSteps: 4, lrEnd: 0.1, power: 2 },
      1.1,
    );
    // ((1.1 - 0.1) * (1 - s/4)^2 + 0.1) / 1.1
    expect(f(2)).toBeCloseTo((0.25 + 0.1) / 1.1, 12);
    expect(f(9)).toBeCloseTo(0.1 / 1.1, 12);
    expect(() => scheduleLambda('polynomial', { numTrainingSteps: 4 }, 1e-8)).toThrow(OptimizerError);
  });
  it('inverse_sqrt', () => {
    const f = scheduleLambda('inverse_sqrt', { numWarmupSteps: 4 });
    expect(f(2)).toBe(0.5);
    expect(f(16)).toBeCloseTo(0.5, 12);
  });
  it('asks for the arguments Python asks for', () => {
    expect(() => getScheduler('linear', fakeOptimizer(1), { numTrainingSteps: 3 })).toThrow(
      /requires `numWarmupSteps`/,
    );
    expect(() => getScheduler('cosine', fakeOptimizer(1), { numWarmupSteps: 0 })).toThrow(
      /requires `numTrainingSteps`/,
    );
    expect(() => getScheduler('bogus' as never, fakeOptimizer(1), {})).toThrow(/Unknown scheduler type/);
  });
  it('sets every group and round-trips its state', () => {
    const optimizer = fakeOptimizer(0.1, 2);
    const scheduler = new LambdaLR(optimizer, (s) => s + 1);
    scheduler.step();
    expect(optimizer.paramGroups.map((g) => g.lr)).toEqual([0.2, 0.2]);
    const other = new LambdaLR(fakeOptimizer(0.1, 2), (s) => s + 1);
    other.loadStateDict(scheduler.stateDict());
    expect(other.getLastLr()).toEqual([0.2, 0.2]);
  });
  it('refuses a bad state whole, naming the field, and changes nothing', () => {
    const scheduler = new LambdaLR(fakeOptimizer(0.1, 2), (s) => s + 1);
    scheduler.step();
    const good = scheduler.stateDict();
    const cases: [unknown, string][] = [
      [null, 'the state must be an object, not null'],
      [{ ...good, lastEpoch: '1' }, 'lastEpoch must be an integer from -1 to 2^53-1, not "1"'],
      [{ ...good, lastEpoch: -2 }, 'lastEpoch must be an integer from -1 to 2^53-1, not -2'],
      [{ ...good, baseLrs: [0.1] }, 'baseLrs holds 1 learning rates, the optimizer has 2 parameter groups'],
      [{ ...good, baseLrs: [0.1, Number.NaN] }, 'baseLrs[1] must be a finite number >= 0, not NaN'],
    ];
    for (const [state, message] of cases) {
      expect(() => scheduler.loadStateDict(state as never)).toThrow(`LambdaLR.loadStateDict: ${message}`);
      expect(scheduler.stateDict()).toEqual(good);
    }
  });
});
