import type { TrainerState, LogEntry } from './trainer-state.js';
import type { TrainingArguments } from './training-arguments.js';
import { TrainerError } from './errors.js';

/** transformers' `TrainerControl`: flags callbacks set to steer the loop. */
export class TrainerControl {
  shouldTrainingStop = false;
  shouldEpochStop = false;
  shouldSave = false;
  shouldEvaluate = false;
  shouldLog = false;
}

/** What every callback event receives besides args/state/control. */
export interface CallbackExtras {
  /** Present on `onLog`. */
  logs?: LogEntry;
  /** Present on `onEvaluate` / `onPredict`. */
  metrics?: Record<string, number>;
  /** Present on `onSave`: the checkpoint folder. */
  checkpoint?: string;
}

type Hook = (
  args: TrainingArguments,
  state: TrainerState,
  control: TrainerControl,
  extras: CallbackExtras,
) => void | Promise<void>;

/**
 * transformers' `TrainerCallback` events (camelCase). Implement the ones you
 * need; set `control` flags to stop training or force a save/evaluate.
 */
export interface TrainerCallback {
  onInitEnd?: Hook;
  onTrainBegin?: Hook;
  onTrainEnd?: Hook;
  onEpochBegin?: Hook;
  onEpochEnd?: Hook;
  onStepBegin?: Hook;
  onStepEnd?: Hook;
  onEvaluate?: Hook;
  onPredict?: Hook;
  onSave?: Hook;
  onLog?: Hook;
}

export type CallbackEvent = keyof TrainerCallback;

/** Calls every callback's hook for an event, in order. */
export class CallbackHandler {
  readonly callbacks: TrainerCallback[];
  constructor(callbacks: TrainerCallback[]) {
    this.callbacks = [...callbacks];
  }

  add(callback: TrainerCallback): void {
    this.callbacks.push(callback);
  }

  async call(
    event: CallbackEvent,
    args: TrainingArguments,
    state: TrainerState,
    control: TrainerControl,
    extras: CallbackExtras = {},
  ): Promise<void> {
    for (const callback of this.callbacks) await callback[event]?.(args, state, control, extras);
  }
}

/** Options of {@link EarlyStoppingCallback}. */
export interface EarlyStoppingOptions {
  /** Evaluations without improvement before stopping [1]. */
  earlyStoppingPatience?: number;
  /** How much the metric must improve to count [0]. */
  earlyStoppingThreshold?: number;
}

/**
 * transformers' `EarlyStoppingCallback`: stops training when
 * `metricForBestModel` has not improved (by more than the threshold) over
 * the best so far for `earlyStoppingPatience` evaluations. Needs
 * `loadBestModelAtEnd`, `metricForBestModel` and an eval strategy, as in Python.
 */
export class EarlyStoppingCallback implements TrainerCallback {
  readonly patience: number;
  readonly threshold: number;
  /** Evaluations in a row without improvement. */
  patienceCounter = 0;

  constructor(options: EarlyStoppingOptions = {}) {
    this.patience = options.earlyStoppingPatience ?? 1;
    this.threshold = options.earlyStoppingThreshold ?? 0;
  }

  onTrainBegin: Hook = (args) => {
    if (!args.loadBestModelAtEnd)
      throw new TrainerError('EarlyStoppingCallback requires loadBestModelAtEnd = true');
    if (args.metricForBestModel === undefined) {
      throw new TrainerError('EarlyStoppingCallback requires metricForBestModel to be defined');
    }
    if (args.evalStrategy === 'no')
      throw new TrainerError("EarlyStoppingCallback requires evalStrategy 'steps' or 'epoch'");
  };

  onEvaluate: Hook = (args, state, control, extras) => {
    const name = args.metricForBestModel ?? 'loss';
    const key = name.startsWith('eval_') ? name : `eval_${name}`;
    const value = extras.metrics?.[key];
    if (value === undefined) {
      console.warn(
        `early stopping required metric_for_best_model, but did not find ${key} so early stopping is disabled`,
      );
      return;
    }
    const better = args.greaterIsBetter ?? true;
    const best = state.bestMetric;
    const improved =
      best === null || ((better ? value > best : value < best) && Math.abs(value - best) > this.threshold);
    this.patienceCounter = improved ? 0 : this.patienceCounter + 1;
    if (this.patienceCounter >= this.patience) control.shouldTrainingStop = true;
  };
}
