import {
  assertOptionNames,
  type ListIsWhole,
  type OptionNames,
  type UnlistedOptions,
} from '@ner/models/internal';
import { TrainingArgumentsError } from './errors.js';
import { type HubArgumentsOptions, type HubStrategy, resolveHubArguments } from './hub-arguments.js';
import { SCHEDULER_KWARGS, SCHEDULER_TYPES, type SchedulerKwargs, type SchedulerType } from './schedules.js';

/** When to evaluate / save / log: Python's `IntervalStrategy`. */
export type IntervalStrategy = 'no' | 'steps' | 'epoch';

/** Where logs go besides the console: `'jsonl'` (metrics.jsonl in outputDir), `'tensorboard'`. */
export type ReportTarget = 'jsonl' | 'tensorboard';

/**
 * Options of {@link TrainingArguments}: transformers 4.38's names in camelCase,
 * with the same defaults (shown in brackets).
 */
export interface TrainingArgumentsOptions extends HubArgumentsOptions {
  /** Where checkpoints and logs go (required). */
  outputDir: string;
  /** Allow writing into a non-empty outputDir [false]. */
  overwriteOutputDir?: boolean;
  /** When to run evaluate() during training ['no']. */
  evalStrategy?: IntervalStrategy;
  /** Python <4.41 name of `evalStrategy`. */
  evaluationStrategy?: IntervalStrategy;
  /** [loggingSteps]; an integer, or a ratio of the total steps when < 1. */
  evalSteps?: number;
  /** ['steps'] */
  loggingStrategy?: IntervalStrategy;
  /** [500]; a ratio of the total steps when < 1. */
  loggingSteps?: number;
  /** Also log after the first optimizer step [false]. */
  loggingFirstStep?: boolean;
  /** ['steps'] */
  saveStrategy?: IntervalStrategy;
  /** [500]; a ratio of the total steps when < 1. */
  saveSteps?: number;
  /** Keep at most this many checkpoints (the best one is never deleted) [undefined = all]. */
  saveTotalLimit?: number;
  /** Only save model weights (no optimizer/scheduler/RNG state) [false]. */
  saveOnlyModel?: boolean;
  /**
   * [false] Evaluate once before the first training step, as a sanity check (Python's
   * `eval_on_start`, from transformers 4.41): the metrics are logged at the starting step.
   */
  evalOnStart?: boolean;
  /**
   * [0] Epochs (`evalStrategy: 'epoch'`) or steps (`'steps'`) to wait before the first
   * evaluation, as Python's `eval_delay`: evaluations due earlier are skipped.
   */
  evalDelay?: number;
  /**
   * [false] When resuming, start the interrupted epoch from its first batch instead of skipping
   * the batches already trained on (Python's `ignore_data_skip`): faster to start, but the run no
   * longer reproduces the uninterrupted one. Whole epochs already trained are still skipped.
   */
  ignoreDataSkip?: boolean;
  /**
   * [false] When a training step runs out of memory (the cuda backend's `CudaOutOfMemoryError`, or
   * a failed host allocation), halve the batch size and train again from the start, down to 1
   * (Python's `auto_find_batch_size`, through accelerate's `findExecutableBatchSize`). The size
   * that fits is `state.trainBatchSize`, saved in checkpoints. One process only.
   */
  autoFindBatchSize?: boolean;
  /** [5e-5] */
  learningRate?: number;
  /** [0] */
  weightDecay?: number;
  /** [0.9] */
  adamBeta1?: number;
  /** [0.999] */
  adamBeta2?: number;
  /** [1e-8] */
  adamEpsilon?: number;
  /** Clip gradients to this global L2 norm; 0 disables [1.0]. */
  maxGradNorm?: number;
  /**
   * [0] Label smoothing, as Python's `label_smoothing_factor`: when not 0 the Trainer computes the
   * loss itself from the logits (transformers' `LabelSmoother`): one-hot targets become
   * `1 - ε + ε/classes` and `ε/classes`, positions labelled -100 skipped, in training and
   * evaluation alike. Needs integer class labels.
   */
  labelSmoothingFactor?: number;
  /** [3] (fractions run part of the last epoch) */
  numTrainEpochs?: number;
  /** Overrides numTrainEpochs when > 0 [-1]. */
  maxSteps?: number;
  /** ['linear'] */
  lrSchedulerType?: SchedulerType;
  /**
   * [{}] Options of the schedule besides its step counts, as Python's `lr_scheduler_kwargs`:
   * `numCycles` (cosine, cosine_with_restarts), `lrEnd` and `power` (polynomial), `timescale`
   * (inverse_sqrt). One the schedule does not take is an error, as Python's TypeError.
   */
  lrSchedulerKwargs?: SchedulerKwargs;
  /** [0] fraction of the total steps used for warmup when warmupSteps is 0. */
  warmupRatio?: number;
  /** [0] */
  warmupSteps?: number;
  /** [8] */
  perDeviceTrainBatchSize?: number;
  /** [8] */
  perDeviceEvalBatchSize?: number;
  /** [1] */
  gradientAccumulationSteps?: number;
  /** [42] fixes dropout and, unless dataSeed is set, the data order. */
  seed?: number;
  /** [seed] seed of the data sampler. */
  dataSeed?: number;
  /**
   * bf16 mixed precision [false], as Python's `bf16=True`: training and evaluation steps run
   * their matmuls under bf16 autocast (operands rounded to bfloat16, fp32 accumulation), while
   * weights, gradients and AdamW stay fp32. Needs a backend with bf16 matmuls (`native`, `cuda`);
   * on others `train`, `evaluate` and `predict` throw `AutocastUnsupportedError` before any work.
   */
  bf16?: boolean;
  /**
   * [undefined: leave as it is] TF32 for float32 matmuls, as Python's `tf32`: `true` lets the
   * backend's products use TF32 tensor cores (inputs rounded to 10 mantissa bits, about 1e-3
   * relative; `cuda` on Ampere or newer GPUs, else `train`/`evaluate`/`predict` throw
   * `Tf32UnsupportedError`), `false` keeps them exact fp32. A global switch of the backend, left
   * as set (`torch.backends.cuda.matmul.allow_tf32`); `@ner/models`' `setMatMulTf32`.
   */
  tf32?: boolean;
  /**
   * [false] Recompute each transformer layer in the backward pass instead of keeping its
   * activations (Python's `gradient_checkpointing`, which calls the model's
   * `gradient_checkpointing_enable()`): far less memory for activations, one more forward pass of
   * each layer; the same gradients.
   */
  gradientCheckpointing?: boolean;
  /** Batch samples of similar length together [false]. */
  groupByLength?: boolean;
  /** Column holding lengths for groupByLength ['length'] (falls back to input_ids length). */
  lengthColumnName?: string;
  /** ['all'] = every integration available here (jsonl); 'none' or a list. */
  reportTo?: 'all' | 'none' | ReportTarget | ReportTarget[];
  /** TensorBoard log folder [outputDir/runs/<date>_<host>]. */
  loggingDir?: string;
  /** No progress bar (logs are printed as lines instead) [false]. */
  disableTqdm?: boolean;
  /** Batch keys that hold the labels [['labels']] (or ['label'] when the batch has that key). */
  labelNames?: string[];
  /** [false] requires evalStrategy === saveStrategy (and saveSteps a multiple of evalSteps). */
  loadBestModelAtEnd?: boolean;
  /** ['loss' when loadBestModelAtEnd] metric name with or without the `eval_` prefix. */
  metricForBestModel?: string;
  /** [true unless the metric name ends in "loss"] */
  greaterIsBetter?: boolean;
  /** Drop the last incomplete training batch [false]. */
  dataloaderDropLast?: boolean;
  /** Only compute the loss in evaluate()/predict() [false]. */
  predictionLossOnly?: boolean;
  /** Console verbosity: 'error'/'critical' print nothing but errors ['passive' = 'warning']. */
  logLevel?: 'passive' | 'debug' | 'info' | 'warning' | 'error' | 'critical';
  /** Name of the run (TensorBoard, logs) [outputDir]. */
  runName?: string;
}

const STRATEGIES: readonly IntervalStrategy[] = ['no', 'steps', 'epoch'];

/** Every option of {@link TrainingArgumentsOptions}; the compiler checks the list is whole. */
const TRAINING_ARGUMENT_NAMES = [
  'outputDir',
  'overwriteOutputDir',
  'evalStrategy',
  'evaluationStrategy',
  'evalSteps',
  'loggingStrategy',
  'loggingSteps',
  'loggingFirstStep',
  'saveStrategy',
  'saveSteps',
  'saveTotalLimit',
  'saveOnlyModel',
  'evalOnStart',
  'evalDelay',
  'ignoreDataSkip',
  'autoFindBatchSize',
  'learningRate',
  'weightDecay',
  'adamBeta1',
  'adamBeta2',
  'adamEpsilon',
  'maxGradNorm',
  'labelSmoothingFactor',
  'numTrainEpochs',
  'maxSteps',
  'lrSchedulerType',
  'lrSchedulerKwargs',
  'warmupRatio',
  'warmupSteps',
  'perDeviceTrainBatchSize',
  'perDeviceEvalBatchSize',
  'gradientAccumulationSteps',
  'seed',
  'dataSeed',
  'bf16',
  'tf32',
  'gradientCheckpointing',
  'groupByLength',
  'lengthColumnName',
  'reportTo',
  'loggingDir',
  'disableTqdm',
  'labelNames',
  'loadBestModelAtEnd',
  'metricForBestModel',
  'greaterIsBetter',
  'dataloaderDropLast',
  'predictionLossOnly',
  'logLevel',
  'runName',
  'pushToHub',
  'hubModelId',
  'hubStrategy',
  'hubPrivateRepo',
  'hubToken',
  'hubAlwaysPush',
] as const satisfies readonly (keyof TrainingArgumentsOptions)[];

/** A compile error here names an option to add to TRAINING_ARGUMENT_NAMES. */
export const trainingArgumentNamesAreWhole: ListIsWhole<
  UnlistedOptions<TrainingArgumentsOptions, typeof TRAINING_ARGUMENT_NAMES>
> = true;

const BF16_INSTEAD =
  'bf16: true runs the matmuls in bfloat16 with float32 weights (native, and cuda on Ampere or newer)';

/**
 * The names {@link TrainingArguments} takes, and Python's options it has no counterpart for
 * (those a transformers script is likely to set), with why.
 */
const TRAINING_ARGUMENT_OPTIONS: OptionNames = {
  known: TRAINING_ARGUMENT_NAMES,
  unsupported: {
    fp16: { reason: `the backends here have no float16 products; ${BF16_INSTEAD}` },
    fp16FullEval: { reason: `the backends here have no float16 products; ${BF16_INSTEAD}` },
    bf16FullEval: {
      reason: 'the weights stay float32; bf16: true runs evaluation under bf16 autocast too',
    },
    halfPrecisionBackend: { reason: BF16_INSTEAD, harmless: ['auto'] },
    optim: {
      reason:
        "the Trainer's optimizer is AdamW (Python's 'adamw_torch'); pass another through the Trainer's optimizers option",
      harmless: ['adamw_torch', 'adamw_torch_fused'],
    },
    optimArgs: {
      reason: "pass your own optimizer through the Trainer's optimizers option",
      harmless: [null, ''],
    },
    adafactor: { reason: "pass your own optimizer through the Trainer's optimizers option" },
    useCpu: {
      reason: 'the backend is chosen by initBackend() (NER_BACKEND in the examples), not by the arguments',
    },
    noCuda: {
      reason: 'the backend is chosen by initBackend() (NER_BACKEND in the examples), not by the arguments',
    },
    torchCompile: { reason: 'there is no graph compiler here' },
    deepspeed: { reason: 'only data parallel training, through ner-launch', harmless: [null, false, ''] },
    fsdp: { reason: 'only data parallel training, through ner-launch', harmless: [null, false, ''] },
    localRank: { reason: 'ner-launch gives each process its rank (LOCAL_RANK)', harmless: [-1] },
    dataloaderNumWorkers: {
      reason: 'batches are collated in the training process; there are no loader workers',
      harmless: [0],
    },
    dataloaderPinMemory: { reason: 'no pinned host memory for batches', harmless: [true, false] },
    evalAccumulationSteps: {
      reason: 'each evaluation batch is moved to the host as soon as it is predicted already',
      harmless: [null],
    },
    saveSafetensors: { reason: 'checkpoints are always safetensors', harmless: [true] },
    loggingNanInfFilter: {
      reason:
        'a NaN or infinite loss stops training with NonFiniteLossError instead of being left out of the logs',
      harmless: [true],
    },
    skipMemoryMetrics: { reason: 'memory metrics are not recorded', harmless: [true] },
    // Read by Python's example scripts, never by its Trainer: taken either way.
    doTrain: { reason: '', harmless: [true, false] },
    doEval: { reason: '', harmless: [true, false] },
    doPredict: { reason: '', harmless: [true, false] },
  },
};

function positiveNumber(field: string, value: number, { integer = false, allowZero = false } = {}): void {
  const ok =
    Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) && (!integer || Number.isInteger(value));
  if (!ok) {
    throw new TrainingArgumentsError(
      field,
      `expected a ${allowZero ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}, got ${value}`,
    );
  }
}

function stepsValue(field: string, value: number): void {
  // Python accepts an integer count or a float ratio in (0, 1).
  if (!(Number.isFinite(value) && value > 0 && (value < 1 || Number.isInteger(value)))) {
    throw new TrainingArgumentsError(
      field,
      `expected an integer >= 1 or a ratio in (0, 1) of the total training steps, got ${value}`,
    );
  }
}

function strategy(
  field: string,
  value: IntervalStrategy | undefined,
  fallback: IntervalStrategy,
): IntervalStrategy {
  const resolved = value ?? fallback;
  if (!STRATEGIES.includes(resolved)) {
    throw new TrainingArgumentsError(
      field,
      `expected one of ${STRATEGIES.map((s) => `'${s}'`).join(', ')}, got '${resolved}'`,
    );
  }
  return resolved;
}

/**
 * transformers' `TrainingArguments`: every option resolved to its Python
 * default and checked, so mistakes fail here with the field's name instead of
 * halfway through training.
 *
 * @example
 * const args = new TrainingArguments({ outputDir: 'out', evalStrategy: 'epoch', learningRate: 2e-5 });
 */
export class TrainingArguments {
  readonly outputDir: string;
  readonly overwriteOutputDir: boolean;
  readonly evalStrategy: IntervalStrategy;
  readonly evalSteps: number;
  readonly loggingStrategy: IntervalStrategy;
  readonly loggingSteps: number;
  readonly loggingFirstStep: boolean;
  readonly saveStrategy: IntervalStrategy;
  readonly saveSteps: number;
  readonly saveTotalLimit: number | undefined;
  readonly saveOnlyModel: boolean;
  readonly evalOnStart: boolean;
  readonly evalDelay: number;
  readonly ignoreDataSkip: boolean;
  readonly autoFindBatchSize: boolean;
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly adamBeta1: number;
  readonly adamBeta2: number;
  readonly adamEpsilon: number;
  readonly maxGradNorm: number;
  readonly labelSmoothingFactor: number;
  readonly numTrainEpochs: number;
  readonly maxSteps: number;
  readonly lrSchedulerType: SchedulerType;
  readonly lrSchedulerKwargs: Readonly<SchedulerKwargs>;
  readonly warmupRatio: number;
  readonly warmupSteps: number;
  readonly perDeviceTrainBatchSize: number;
  readonly perDeviceEvalBatchSize: number;
  readonly gradientAccumulationSteps: number;
  readonly seed: number;
  readonly dataSeed: number | undefined;
  readonly bf16: boolean;
  readonly tf32: boolean | undefined;
  readonly gradientCheckpointing: boolean;
  readonly groupByLength: boolean;
  readonly lengthColumnName: string;
  readonly reportTo: ReportTarget[];
  readonly loggingDir: string | undefined;
  readonly disableTqdm: boolean;
  readonly labelNames: string[] | undefined;
  readonly loadBestModelAtEnd: boolean;
  readonly metricForBestModel: string | undefined;
  readonly greaterIsBetter: boolean | undefined;
  readonly dataloaderDropLast: boolean;
  readonly predictionLossOnly: boolean;
  readonly logLevel: NonNullable<TrainingArgumentsOptions['logLevel']>;
  readonly runName: string;
  readonly pushToHub: boolean;
  readonly hubModelId: string | undefined;
  readonly hubStrategy: HubStrategy;
  readonly hubPrivateRepo: boolean;
  readonly hubToken: string | undefined;
  readonly hubAlwaysPush: boolean;

  constructor(options: TrainingArgumentsOptions) {
    if (options === null || typeof options !== 'object') {
      throw new TrainingArgumentsError(
        'outputDir',
        'TrainingArguments needs an options object with outputDir',
      );
    }
    assertOptionNames(
      options,
      TRAINING_ARGUMENT_OPTIONS,
      (name, problem) => new TrainingArgumentsError(name ?? 'outputDir', problem),
    );
    if (typeof options.outputDir !== 'string' || options.outputDir.length === 0) {
      throw new TrainingArgumentsError(
        'outputDir',
        `expected a non-empty path, got ${JSON.stringify(options.outputDir)}`,
      );
    }
    if (
      options.evalStrategy !== undefined &&
      options.evaluationStrategy !== undefined &&
      options.evalStrategy !== options.evaluationStrategy
    ) {
      throw new TrainingArgumentsError(
        'evalStrategy',
        'evalStrategy and evaluationStrategy disagree; set only one',
      );
    }
    this.outputDir = options.outputDir;
    this.overwriteOutputDir = options.overwriteOutputDir ?? false;
    this.evalStrategy = strategy('evalStrategy', options.evalStrategy ?? options.evaluationStrategy, 'no');
    this.loggingStrategy = strategy('loggingStrategy', options.loggingStrategy, 'steps');
    this.saveStrategy = strategy('saveStrategy', options.saveStrategy, 'steps');
    this.loggingSteps = options.loggingSteps ?? 500;
    stepsValue('loggingSteps', this.loggingSteps);
    this.loggingFirstStep = options.loggingFirstStep ?? false;
    // Python: eval_steps defaults to logging_steps when evaluating by steps.
    this.evalSteps = options.evalSteps ?? this.loggingSteps;
    stepsValue('evalSteps', this.evalSteps);
    this.saveSteps = options.saveSteps ?? 500;
    stepsValue('saveSteps', this.saveSteps);
    this.saveTotalLimit = options.saveTotalLimit;
    if (this.saveTotalLimit !== undefined)
      positiveNumber('saveTotalLimit', this.saveTotalLimit, { integer: true });
    this.saveOnlyModel = options.saveOnlyModel ?? false;
    this.evalOnStart = booleanOption('evalOnStart', options.evalOnStart);
    this.evalDelay = options.evalDelay ?? 0;
    positiveNumber('evalDelay', this.evalDelay, { allowZero: true });
    this.ignoreDataSkip = booleanOption('ignoreDataSkip', options.ignoreDataSkip);
    this.autoFindBatchSize = booleanOption('autoFindBatchSize', options.autoFindBatchSize);
    this.learningRate = options.learningRate ?? 5e-5;
    positiveNumber('learningRate', this.learningRate, { allowZero: true });
    this.weightDecay = options.weightDecay ?? 0;
    positiveNumber('weightDecay', this.weightDecay, { allowZero: true });
    this.adamBeta1 = options.adamBeta1 ?? 0.9;
    this.adamBeta2 = options.adamBeta2 ?? 0.999;
    for (const [field, beta] of [
      ['adamBeta1', this.adamBeta1],
      ['adamBeta2', this.adamBeta2],
    ] as const) {
      if (!(beta >= 0 && beta < 1))
        throw new TrainingArgumentsError(field, `expected a value in [0, 1), got ${beta}`);
    }
    this.adamEpsilon = options.adamEpsilon ?? 1e-8;
    positiveNumber('adamEpsilon', this.adamEpsilon, { allowZero: true });
    this.maxGradNorm = options.maxGradNorm ?? 1.0;
    positiveNumber('maxGradNorm', this.maxGradNorm, { allowZero: true });
    this.labelSmoothingFactor = options.labelSmoothingFactor ?? 0;
    if (!(this.labelSmoothingFactor >= 0 && this.labelSmoothingFactor <= 1)) {
      throw new TrainingArgumentsError(
        'labelSmoothingFactor',
        `expected a value in [0, 1], got ${this.labelSmoothingFactor}`,
      );
    }
    this.numTrainEpochs = options.numTrainEpochs ?? 3;
    positiveNumber('numTrainEpochs', this.numTrainEpochs);
    this.maxSteps = options.maxSteps ?? -1;
    if (!(Number.isInteger(this.maxSteps) && (this.maxSteps === -1 || this.maxSteps > 0))) {
      throw new TrainingArgumentsError(
        'maxSteps',
        `expected -1 (use numTrainEpochs) or a positive integer, got ${this.maxSteps}`,
      );
    }
    this.lrSchedulerType = options.lrSchedulerType ?? 'linear';
    if (!SCHEDULER_TYPES.includes(this.lrSchedulerType)) {
      throw new TrainingArgumentsError(
        'lrSchedulerType',
        `expected one of ${SCHEDULER_TYPES.join(', ')}, got '${this.lrSchedulerType}'`,
      );
    }
    this.lrSchedulerKwargs = checkedSchedulerKwargs(this.lrSchedulerType, options.lrSchedulerKwargs ?? {});
    this.warmupRatio = options.warmupRatio ?? 0;
    if (!(this.warmupRatio >= 0 && this.warmupRatio <= 1)) {
      throw new TrainingArgumentsError(
        'warmupRatio',
        `warmup_ratio must lie in range [0,1], got ${this.warmupRatio}`,
      );
    }
    this.warmupSteps = options.warmupSteps ?? 0;
    positiveNumber('warmupSteps', this.warmupSteps, { integer: true, allowZero: true });
    this.perDeviceTrainBatchSize = options.perDeviceTrainBatchSize ?? 8;
    positiveNumber('perDeviceTrainBatchSize', this.perDeviceTrainBatchSize, { integer: true });
    this.perDeviceEvalBatchSize = options.perDeviceEvalBatchSize ?? 8;
    positiveNumber('perDeviceEvalBatchSize', this.perDeviceEvalBatchSize, { integer: true });
    this.gradientAccumulationSteps = options.gradientAccumulationSteps ?? 1;
    positiveNumber('gradientAccumulationSteps', this.gradientAccumulationSteps, { integer: true });
    this.seed = options.seed ?? 42;
    if (!Number.isSafeInteger(this.seed))
      throw new TrainingArgumentsError('seed', `expected an integer, got ${this.seed}`);
    this.dataSeed = options.dataSeed;
    if (this.dataSeed !== undefined && !Number.isSafeInteger(this.dataSeed)) {
      throw new TrainingArgumentsError('dataSeed', `expected an integer, got ${this.dataSeed}`);
    }
    this.bf16 = booleanOption('bf16', options.bf16);
    this.tf32 = options.tf32 === undefined ? undefined : booleanOption('tf32', options.tf32);
    this.gradientCheckpointing = booleanOption('gradientCheckpointing', options.gradientCheckpointing);
    this.groupByLength = options.groupByLength ?? false;
    this.lengthColumnName = options.lengthColumnName ?? 'length';
    const report = options.reportTo ?? 'all';
    if (report === 'all') this.reportTo = ['jsonl'];
    else if (report === 'none') this.reportTo = [];
    else this.reportTo = Array.isArray(report) ? [...report] : [report];
    for (const target of this.reportTo) {
      if (target !== 'jsonl' && target !== 'tensorboard') {
        throw new TrainingArgumentsError(
          'reportTo',
          `unknown integration '${target}'; expected 'all', 'none', 'jsonl' or 'tensorboard'`,
        );
      }
    }
    this.loggingDir = options.loggingDir;
    this.disableTqdm = options.disableTqdm ?? false;
    this.labelNames = options.labelNames ? [...options.labelNames] : undefined;
    this.loadBestModelAtEnd = options.loadBestModelAtEnd ?? false;
    this.metricForBestModel = options.metricForBestModel ?? (this.loadBestModelAtEnd ? 'loss' : undefined);
    this.greaterIsBetter =
      options.greaterIsBetter ??
      (this.metricForBestModel !== undefined ? !this.metricForBestModel.endsWith('loss') : undefined);
    this.dataloaderDropLast = options.dataloaderDropLast ?? false;
    this.predictionLossOnly = options.predictionLossOnly ?? false;
    this.logLevel = options.logLevel ?? 'passive';
    this.runName = options.runName ?? this.outputDir;
    ({
      pushToHub: this.pushToHub,
      hubModelId: this.hubModelId,
      hubStrategy: this.hubStrategy,
      hubPrivateRepo: this.hubPrivateRepo,
      hubToken: this.hubToken,
      hubAlwaysPush: this.hubAlwaysPush,
    } = resolveHubArguments(options));
    if (this.loadBestModelAtEnd) {
      if (this.evalStrategy !== this.saveStrategy) {
        throw new TrainingArgumentsError(
          'loadBestModelAtEnd',
          `requires the save and eval strategy to match, but found evalStrategy '${this.evalStrategy}' and saveStrategy '${this.saveStrategy}'`,
        );
      }
      if (this.evalStrategy === 'no') {
        throw new TrainingArgumentsError(
          'loadBestModelAtEnd',
          "needs evaluation: set evalStrategy (and saveStrategy) to 'steps' or 'epoch'",
        );
      }
      if (
        this.evalStrategy === 'steps' &&
        this.evalSteps >= 1 &&
        this.saveSteps >= 1 &&
        this.saveSteps % this.evalSteps !== 0
      ) {
        throw new TrainingArgumentsError(
          'loadBestModelAtEnd',
          `requires the saving steps to be a round multiple of the evaluation steps, but found saveSteps ${this.saveSteps}, which is not a round multiple of evalSteps ${this.evalSteps}`,
        );
      }
    }
  }

  /** Python `get_warmup_steps`: warmupSteps if set, else ceil(ratio * total). */
  getWarmupSteps(numTrainingSteps: number): number {
    return this.warmupSteps > 0 ? this.warmupSteps : Math.ceil(numTrainingSteps * this.warmupRatio);
  }

  /** Train batch size across all processes (Python `train_batch_size` × world size). */
  get trainBatchSize(): number {
    return this.perDeviceTrainBatchSize;
  }

  /** A copy with some fields changed (re-validated). */
  with(changes: Partial<TrainingArgumentsOptions>): TrainingArguments {
    return new TrainingArguments({ ...this.toOptions(), ...changes });
  }

  /** The options this object was resolved to (camelCase). */
  toOptions(): TrainingArgumentsOptions {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this)) if (value !== undefined) out[key] = value;
    return out as unknown as TrainingArgumentsOptions;
  }

  /** Python `to_dict()` field names (snake_case), what `training_args.json` holds. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(this)) {
      const snake =
        key === 'evalStrategy' ? 'evaluation_strategy' : key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      // Python's to_dict masks every *_token field, set or not.
      out[snake] = snake.endsWith('_token') ? `<${snake.toUpperCase()}>` : value === undefined ? null : value;
    }
    // A dict in Python: its keys in Python's names too.
    out.lr_scheduler_kwargs = Object.fromEntries(
      Object.entries(this.lrSchedulerKwargs).map(([key, value]) => [
        key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
        value,
      ]),
    );
    out.train_batch_size = this.trainBatchSize;
    return out;
  }
}

/** `lrSchedulerKwargs` checked: an object of finite numbers, each one the schedule takes. */
function checkedSchedulerKwargs(type: SchedulerType, kwargs: unknown): Readonly<SchedulerKwargs> {
  if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs))
    throw new TrainingArgumentsError(
      'lrSchedulerKwargs',
      `expected an object, got ${JSON.stringify(kwargs)}`,
    );
  const allowed: readonly string[] = SCHEDULER_KWARGS[type];
  for (const [key, value] of Object.entries(kwargs)) {
    if (!allowed.includes(key)) {
      throw new TrainingArgumentsError(
        'lrSchedulerKwargs',
        `the ${type} schedule takes ${allowed.length === 0 ? 'no options' : allowed.join(', ')}, not ${key}`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new TrainingArgumentsError(
        'lrSchedulerKwargs',
        `${key} must be a finite number, got ${JSON.stringify(value)}`,
      );
  }
  return Object.freeze({ ...(kwargs as SchedulerKwargs) });
}

/** A boolean option, false when not given. */
function booleanOption(field: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw new TrainingArgumentsError(field, `expected true or false, got ${JSON.stringify(value)}`);
  return value;
}
