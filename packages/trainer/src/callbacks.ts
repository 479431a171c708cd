import type { TrainerState, LogEntry } from './trainer-state.js';
import type { TrainingArguments } from './training-arguments.js';
import { TrainerError } from './errors.js';

/**
 * transformers' `TrainerControl`: flags callbacks set to steer the loop. The
 * {@link DefaultFlowCallback} sets `shouldLog` / `shouldEvaluate` / `shouldSave`
 * from the logging, eval and save strategies and `shouldTrainingStop` at
 * `maxSteps`; any callback may set or clear them after it. The Trainer acts
 * on them after `onStepEnd` and `onEpochEnd`, and the handler clears them as
 * Python does: `shouldTrainingStop` on `onTrainBegin`, `shouldEpochStop` on
 * `onEpochBegin`, the other three on `onStepBegin`.
 */
export class TrainerControl {
  /** End training after this step. */
  shouldTrainingStop = false;
  /** End the current epoch after this step. */
  shouldEpochStop = false;
  /** Save a checkpoint now. */
  shouldSave = false;
  /** Evaluate now. */
  shouldEvaluate = false;
  /** Log the running loss now. */
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

/** One event's function: what every {@link TrainerCallback} hook receives. */
export type CallbackHook = (
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
  onInitEnd?: CallbackHook;
  onTrainBegin?: CallbackHook;
  onTrainEnd?: CallbackHook;
  onEpochBegin?: CallbackHook;
  onEpochEnd?: CallbackHook;
  onStepBegin?: CallbackHook;
  onStepEnd?: CallbackHook;
  onEvaluate?: CallbackHook;
  onPredict?: CallbackHook;
  onSave?: CallbackHook;
  onLog?: CallbackHook;
}

export type CallbackEvent = keyof TrainerCallback;

/** Clears the control flags that Python's `CallbackHandler` resets when an event starts. */
function resetControl(event: CallbackEvent, control: TrainerControl): void {
  if (event === 'onTrainBegin') control.shouldTrainingStop = false;
  else if (event === 'onEpochBegin') control.shouldEpochStop = false;
  else if (event === 'onStepBegin') {
    control.shouldLog = false;
    control.shouldEvaluate = false;
    control.shouldSave = false;
  }
}

/** Calls every callback's hook for an event, in order (Python's `CallbackHandler`). */
export class CallbackHandler {
  readonly callbacks: TrainerCallback[];
  constructor(callbacks: TrainerCallback[]) {
    this.callbacks = [...callbacks];
  }

  add(callback: TrainerCallback): void {
    this.callbacks.push(callback);
  }

  /**
   * Runs the hooks of `event`. Hooks that return nothing run at once, one
   * after the other, so a constructor can fire `onInitEnd` and see its
   * effects; from the first hook that returns a promise on, the rest wait
   * for it, and the result is a promise.
   */
  dispatch(
    event: CallbackEvent,
    args: TrainingArguments,
    state: TrainerState,
    control: TrainerControl,
    extras: CallbackExtras = {},
  ): void | Promise<void> {
    resetControl(event, control);
    const hooks = this.callbacks.map((callback) => callback[event]?.bind(callback));
    for (let i = 0; i < hooks.length; i++) {
      const result = hooks[i]?.(args, state, control, extras);
      if (result instanceof Promise)
        return this.awaitRest(result, hooks.slice(i + 1), [args, state, control, extras]);
    }
  }

  private async awaitRest(
    pending: Promise<void>,
    hooks: (CallbackHook | undefined)[],
    parameters: Parameters<CallbackHook>,
  ): Promise<void> {
    await pending;
    for (const hook of hooks) await hook?.(...parameters);
  }

  /** {@link dispatch} as a promise. */
  async call(
    event: CallbackEvent,
    args: TrainingArguments,
    state: TrainerState,
    control: TrainerControl,
    extras: CallbackExtras = {},
  ): Promise<void> {
    await this.dispatch(event, args, state, control, extras);
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

  onTrainBegin: CallbackHook = (args) => {
    if (!args.loadBestModelAtEnd)
      throw new TrainerError('EarlyStoppingCallback requires loadBestModelAtEnd = true');
    if (args.metricForBestModel === undefined) {
      throw new TrainerError('EarlyStoppingCallback requires metricForBestModel to be defined');
    }
    if (args.evalStrategy === 'no')
      throw new TrainerError("EarlyStoppingCallback requires evalStrategy 'steps' or 'epoch'");
  };

  onEvaluate: CallbackHook = (args, state, control, extras) => {
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
