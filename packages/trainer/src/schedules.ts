import {
  checkedArray,
  checkedCount,
  checkedNonNegative,
  checkedRecord,
  type Fail,
} from './checked-fields.js';
import { OptimizerError } from './errors.js';

/** transformers' `SchedulerType` values supported here. */
export type SchedulerType =
  | 'linear'
  | 'cosine'
  | 'cosine_with_restarts'
  | 'polynomial'
  | 'constant'
  | 'constant_with_warmup'
  | 'inverse_sqrt';

export const SCHEDULER_TYPES: readonly SchedulerType[] = [
  'linear',
  'cosine',
  'cosine_with_restarts',
  'polynomial',
  'constant',
  'constant_with_warmup',
  'inverse_sqrt',
];

/** Options of {@link getScheduler} / {@link scheduleLambda}. */
export interface SchedulerOptions {
  numWarmupSteps?: number;
  numTrainingSteps?: number;
  /** cosine: 0.5 (half a wave); cosine_with_restarts: 1 (hard restarts). */
  numCycles?: number;
  /** polynomial: final learning rate (default 1e-7) and power (default 1). */
  lrEnd?: number;
  power?: number;
  /** inverse_sqrt: default `numWarmupSteps || 10000`. */
  timescale?: number;
}

/** The options each schedule takes besides the step counts (Python's `scheduler_specific_kwargs`). */
export type SchedulerKwargs = Pick<SchedulerOptions, 'numCycles' | 'lrEnd' | 'power' | 'timescale'>;

/** Which of {@link SchedulerKwargs} each schedule reads; the others' functions take none. */
export const SCHEDULER_KWARGS: Readonly<Record<SchedulerType, readonly (keyof SchedulerKwargs)[]>> = {
  linear: [],
  cosine: ['numCycles'],
  cosine_with_restarts: ['numCycles'],
  polynomial: ['lrEnd', 'power'],
  constant: [],
  constant_with_warmup: [],
  inverse_sqrt: ['timescale'],
};

/** Anything with parameter groups whose `lr` a scheduler sets (our {@link AdamW}). */
export interface SchedulableOptimizer {
  readonly paramGroups: { lr: number; initialLr: number }[];
}

function warmupFactor(step: number, warmup: number): number {
  return step / Math.max(1, warmup);
}

/**
 * The multiplier of the base learning rate at `step` for each schedule, the
 * same lambdas transformers' `get_*_schedule_with_warmup` functions build.
 * `baseLr` is only used by `polynomial` (it decays to an absolute `lrEnd`).
 */
export function scheduleLambda(
  type: SchedulerType,
  options: SchedulerOptions,
  baseLr = 1,
): (step: number) => number {
  const warmup = options.numWarmupSteps ?? 0;
  const total = options.numTrainingSteps ?? 0;
  switch (type) {
    case 'constant':
      return () => 1;
    case 'constant_with_warmup':
      return (step) => (step < warmup ? warmupFactor(step, warmup) : 1);
    case 'linear':
      return (step) =>
        step < warmup
          ? warmupFactor(step, warmup)
          : Math.max(0, (total - step) / Math.max(1, total - warmup));
    case 'cosine': {
      const cycles = options.numCycles ?? 0.5;
      return (step) => {
        if (step < warmup) return warmupFactor(step, warmup);
        const progress = (step - warmup) / Math.max(1, total - warmup);
        return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * cycles * 2 * progress)));
      };
    }
    case 'cosine_with_restarts': {
      const cycles = options.numCycles ?? 1;
      return (step) => {
        if (step < warmup) return warmupFactor(step, warmup);
        const progress = (step - warmup) / Math.max(1, total - warmup);
        if (progress >= 1) return 0;
        return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * ((cycles * progress) % 1))));
      };
    }
    case 'polynomial': {
      const lrEnd = options.lrEnd ?? 1e-7;
      const power = options.power ?? 1;
      if (!(baseLr > lrEnd)) {
        throw new OptimizerError(
          `polynomial schedule: lr_end (${lrEnd}) must be smaller than initial lr (${baseLr})`,
        );
      }
      return (step) => {
        if (step < warmup) return warmupFactor(step, warmup);
        if (step > total) return lrEnd / baseLr;
        const pctRemaining = 1 - (step - warmup) / (total - warmup);
        return ((baseLr - lrEnd) * pctRemaining ** power + lrEnd) / baseLr;
      };
    }
    case 'inverse_sqrt': {
      const timescale = options.timescale ?? (warmup || 10_000);
      return (step) => {
        if (step < warmup) return warmupFactor(step, warmup);
        const shift = timescale - warmup;
        return 1 / Math.sqrt((step + shift) / timescale);
      };
    }
    default:
      throw new OptimizerError(
        `Unknown scheduler type "${type as string}"; expected one of ${SCHEDULER_TYPES.join(', ')}.`,
      );
  }
}

/** Serializable scheduler state (torch `LambdaLR.state_dict()`'s useful part). */
export interface SchedulerStateDict {
  lastEpoch: number;
  baseLrs: number[];
  lastLr: number[];
}

/**
 * torch's `LambdaLR`: `lr = initial_lr * lambda(lastEpoch)` per group.
 * Construction performs the first `step()` (so `lastEpoch` is 0 and the
 * learning rate is already `lambda(0) * base`), exactly as torch does; call
 * `step()` after each optimizer step.
 */
export class LambdaLR {
  readonly optimizer: SchedulableOptimizer;
  readonly baseLrs: number[];
  lastEpoch = -1;
  private readonly lambdas: ((step: number) => number)[];
  private lastLr: number[] = [];

  constructor(
    optimizer: SchedulableOptimizer,
    lambdas: ((step: number) => number) | ((step: number) => number)[],
  ) {
    this.optimizer = optimizer;
    const groups = optimizer.paramGroups;
    this.lambdas = Array.isArray(lambdas) ? lambdas : groups.map(() => lambdas);
    if (this.lambdas.length !== groups.length) {
      throw new OptimizerError(`LambdaLR: expected ${groups.length} lr lambdas, got ${this.lambdas.length}`);
    }
    this.baseLrs = groups.map((group) => group.initialLr);
    this.step();
  }

  /** Advances one step and sets each group's learning rate. */
  step(): void {
    this.lastEpoch += 1;
    this.apply();
  }

  /** The learning rates set by the last `step()` (torch `get_last_lr()`). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerStateDict {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs], lastLr: [...this.lastLr] };
  }

  /**
   * Throws {@link OptimizerError} naming the first value of `state` that
   * {@link loadStateDict} could not restore; changes nothing. `lastLr` is not
   * read back (it follows from the rest), so it is not checked.
   */
  checkStateDict(state: unknown): asserts state is SchedulerStateDict {
    const fail: Fail = (problem) => new OptimizerError(`LambdaLR.loadStateDict: ${problem}`);
    const record = checkedRecord(state, 'the state', fail);
    checkedCount(record.lastEpoch, 'lastEpoch', fail, -1);
    const baseLrs = checkedArray(record.baseLrs, 'baseLrs', fail);
    if (baseLrs.length !== this.baseLrs.length) {
      throw fail(
        `baseLrs holds ${baseLrs.length} learning rates, the optimizer has ${this.baseLrs.length} parameter groups`,
      );
    }
    for (const [i, lr] of baseLrs.entries()) checkedNonNegative(lr, `baseLrs[${i}]`, fail);
  }

  /** Restores a {@link stateDict}; a bad one ({@link checkStateDict}) throws and changes nothing. */
  loadStateDict(state: SchedulerStateDict): void {
    this.checkStateDict(state);
    this.baseLrs.splice(0, this.baseLrs.length, ...state.baseLrs);
    this.lastEpoch = state.lastEpoch;
    this.apply();
  }

  private apply(): void {
    this.lastLr = this.baseLrs.map((base, i) => base * this.lambdas[i]!(this.lastEpoch));
    this.optimizer.paramGroups.forEach((group, i) => {
      group.lr = this.lastLr[i]!;
    });
  }
}

/**
 * transformers `get_scheduler(name, optimizer, num_warmup_steps, num_training_steps)`.
 * Like Python, every schedule except `constant` needs `numWarmupSteps`, and
 * all but `constant`, `constant_with_warmup` and `inverse_sqrt` need `numTrainingSteps`.
 */
export function getScheduler(
  type: SchedulerType,
  optimizer: SchedulableOptimizer,
  options: SchedulerOptions = {},
): LambdaLR {
  if (!SCHEDULER_TYPES.includes(type)) {
    throw new OptimizerError(
      `Unknown scheduler type "${type}"; expected one of ${SCHEDULER_TYPES.join(', ')}.`,
    );
  }
  if (type !== 'constant' && options.numWarmupSteps === undefined) {
    throw new OptimizerError(`${type} requires \`numWarmupSteps\`, please provide that argument.`);
  }
  const needsTotal = type !== 'constant' && type !== 'constant_with_warmup' && type !== 'inverse_sqrt';
  if (needsTotal && options.numTrainingSteps === undefined) {
    throw new OptimizerError(`${type} requires \`numTrainingSteps\`, please provide that argument.`);
  }
  for (const key of ['numWarmupSteps', 'numTrainingSteps'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
      throw new OptimizerError(`getScheduler: ${key} must be a non-negative integer, got ${value}`);
    }
  }
  // polynomial decays to an absolute lr_end, relative to the optimizer's default lr in Python.
  const defaultLr = (optimizer as { defaults?: { lr?: number } }).defaults?.lr;
  const lambdas = optimizer.paramGroups.map((group) =>
    scheduleLambda(type, options, type === 'polynomial' ? (defaultLr ?? group.initialLr) : 1),
  );
  return new LambdaLR(optimizer, lambdas);
}
