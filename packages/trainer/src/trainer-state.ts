import { CheckpointError } from './errors.js';
import { describeValue } from '@ner/models/internal';
import { checkedArray, checkedCount, checkedNonNegative, type Fail } from './checked-fields.js';

/** One entry of `log_history` (Python keys: loss, grad_norm, learning_rate, epoch, step, eval_*...). */
export type LogEntry = Record<string, number>;

/** The fields whose Python default is None, so that a null there means "not set". */
const PYTHON_NONE_DEFAULTS = new Set(['epoch', 'train_batch_size', 'log_history']);

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

  /**
   * The state a `trainer_state.json` holds. Keys that are missing take their
   * defaults, as Python's `TrainerState(**json)` does; a value of the wrong
   * kind (a string step, a negative epoch, a log entry that is not an object) is
   * a {@link CheckpointError} naming `source` and the key. Log entries are
   * kept as they are.
   */
  static fromJSON(json: unknown, source = 'trainer_state.json'): TrainerState {
    const fail = (problem: string) => new CheckpointError(`${source}: ${problem}`);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new CheckpointError(`${source} must hold a JSON object, not ${describeValue(json)}`);
    }
    const record = json as Record<string, unknown>;
    const state = new TrainerState();
    // Python's dataclass defaults epoch, train_batch_size and log_history to None: null is missing there.
    const given = (key: string) =>
      record[key] === undefined || (record[key] === null && PYTHON_NONE_DEFAULTS.has(key))
        ? undefined
        : record[key];
    const count = (key: string, fallback: number) => {
      const value = given(key);
      return value === undefined ? fallback : checkedCount(value, key, fail);
    };
    const amount = (key: string, fallback: number) => {
      const value = given(key);
      return value === undefined ? fallback : checkedNonNegative(value, key, fail);
    };
    state.epoch = amount('epoch', 0);
    state.globalStep = count('global_step', 0);
    state.maxSteps = count('max_steps', 0);
    state.loggingSteps = amount('logging_steps', 500);
    state.evalSteps = amount('eval_steps', 500);
    state.saveSteps = amount('save_steps', 500);
    state.trainBatchSize = count('train_batch_size', 0);
    state.numTrainEpochs = amount('num_train_epochs', 0);
    state.numInputTokensSeen = amount('num_input_tokens_seen', 0);
    state.totalFlos = amount('total_flos', 0);
    const logHistory = given('log_history');
    state.logHistory = logHistory === undefined ? [] : logHistoryOf(logHistory, fail);
    const best = record.best_metric;
    if (best !== undefined && best !== null && typeof best !== 'number')
      throw fail(`best_metric must be a number or null, not ${describeValue(best)}`);
    state.bestMetric = best ?? null;
    const bestDir = record.best_model_checkpoint;
    if (bestDir !== undefined && bestDir !== null && typeof bestDir !== 'string')
      throw fail(`best_model_checkpoint must be a string or null, not ${describeValue(bestDir)}`);
    state.bestModelCheckpoint = bestDir ?? null;
    return state;
  }
}

/**
 * `log_history` checked: an array of objects, kept as they are (a metric a
 * `computeMetrics` returned nested, or a NaN that JSON wrote as null, comes
 * back as written, as in Python).
 */
function logHistoryOf(value: unknown, fail: Fail): LogEntry[] {
  return checkedArray(value, 'log_history', fail).map((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      throw fail(`log_history[${i}] must be an object, not ${describeValue(entry)}`);
    return entry as LogEntry;
  });
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
