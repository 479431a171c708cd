/** One entry of `log_history` (Python keys: loss, grad_norm, learning_rate, epoch, step, eval_*...). */
export type LogEntry = Record<string, number>;

/** What a resumed run takes from its checkpoint's state. */
const RESUMED_FIELDS = [
  'globalStep',
  'epoch',
  'logHistory',
  'bestMetric',
  'bestModelCheckpoint',
  'totalFlos',
  'numInputTokensSeen',
] as const;

/**
 * transformers' `TrainerState`, saved as `trainer_state.json` in every
 * checkpoint (same field names, keys sorted, indent 2, like Python).
 */
export class TrainerState {
  epoch = 0;
  globalStep = 0;
  maxSteps = 0;
  loggingSteps = 500;
  evalSteps = 500;
  saveSteps = 500;
  trainBatchSize = 0;
  numTrainEpochs = 0;
  numInputTokensSeen = 0;
  totalFlos = 0;
  logHistory: LogEntry[] = [];
  bestMetric: number | null = null;
  bestModelCheckpoint: string | null = null;
  isLocalProcessZero = true;
  isWorldProcessZero = true;

  toJSON(): Record<string, unknown> {
    return {
      best_metric: this.bestMetric,
      best_model_checkpoint: this.bestModelCheckpoint,
      epoch: this.epoch,
      eval_steps: this.evalSteps,
      global_step: this.globalStep,
      is_hyper_param_search: false,
      is_local_process_zero: this.isLocalProcessZero,
      is_world_process_zero: this.isWorldProcessZero,
      log_history: this.logHistory,
      logging_steps: this.loggingSteps,
      max_steps: this.maxSteps,
      num_input_tokens_seen: this.numInputTokensSeen,
      num_train_epochs: this.numTrainEpochs,
      save_steps: this.saveSteps,
      total_flos: this.totalFlos,
      train_batch_size: this.trainBatchSize,
      trial_name: null,
      trial_params: null,
    };
  }

  /**
   * Takes the progress a checkpoint recorded (step, epoch, log history, best
   * metric, flos, tokens seen); the plan of the new run (max steps, batch
   * size...) stays as it was set.
   */
  resumeFrom(saved: TrainerState): void {
    Object.assign(this, Object.fromEntries(RESUMED_FIELDS.map((field) => [field, saved[field]])));
  }

  /** `json.dumps(asdict(state), indent=2, sort_keys=True) + "\n"` */
  toJSONString(): string {
    return `${JSON.stringify(sortKeys(this.toJSON()), null, 2)}\n`;
  }

  static fromJSON(json: Record<string, unknown>): TrainerState {
    const state = new TrainerState();
    const num = (key: string, fallback: number) =>
      typeof json[key] === 'number' ? (json[key] as number) : fallback;
    state.epoch = num('epoch', 0);
    state.globalStep = num('global_step', 0);
    state.maxSteps = num('max_steps', 0);
    state.loggingSteps = num('logging_steps', 500);
    state.evalSteps = num('eval_steps', 500);
    state.saveSteps = num('save_steps', 500);
    state.trainBatchSize = num('train_batch_size', 0);
    state.numTrainEpochs = num('num_train_epochs', 0);
    state.numInputTokensSeen = num('num_input_tokens_seen', 0);
    state.totalFlos = num('total_flos', 0);
    state.logHistory = Array.isArray(json.log_history) ? (json.log_history as LogEntry[]) : [];
    state.bestMetric = typeof json.best_metric === 'number' ? json.best_metric : null;
    state.bestModelCheckpoint =
      typeof json.best_model_checkpoint === 'string' ? json.best_model_checkpoint : null;
    return state;
  }
}

/** Recursively sorts object keys (Python's `sort_keys=True`). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
