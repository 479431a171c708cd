/**
 * Resuming from a checkpoint folder, in two steps: every file is read and
 * checked against the model, optimizer and scheduler first, and only when all
 * of it fits is anything loaded. A damaged or mixed-up checkpoint is a
 * {@link CheckpointError} naming the file and the field, and leaves the run's
 * objects as they were (it used to load the weights, then fail on the
 * optimizer; or take a string step as 0 and start over silently).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assignCheckpointWeights,
  checkpointTensorValues,
  readCheckpointJson,
  readCheckpointSafetensors,
  readCheckpointWeights,
} from '@ner/models/internal';
import type { AdamW, AdamWStateDict } from './adamw.js';
import { CHECKPOINT_FILES } from './checkpoint.js';
import { checkedArray, checkedCount, checkedRecord, type Fail } from './checked-fields.js';
import { CheckpointError, OptimizerError } from './errors.js';
import type { LambdaLR, SchedulerStateDict } from './schedules.js';
import type { TrainableModel } from './trainable-model.js';
import { TrainerState } from './trainer-state.js';

/**
 * The seeds of the run that wrote a checkpoint, from its training_args.json
 * (`seed`, `data_seed`); a field absent or not an integer is left out. The
 * resume does not need them: they only tell whether the new run continues the
 * old one exactly (see `seedChangeWarning`).
 */
export interface SavedSeeds {
  readonly seed?: number;
  readonly dataSeed?: number;
}

/** Everything a resume restores, checked. */
interface ResumeSnapshot {
  readonly weights: Float32Array[];
  readonly optimizer: AdamWStateDict;
  readonly scheduler: SchedulerStateDict;
  readonly state: TrainerState;
}

/**
 * Restores a checkpoint for resuming: the model weights, optimizer moments,
 * scheduler position, and the progress fields of `state` (step, epoch, log
 * history, best metric, flos, tokens seen). All or nothing: a bad file throws
 * {@link CheckpointError} before anything is changed. Returns the seeds the
 * checkpoint's run used (training_args.json is not needed to resume: a missing
 * or unreadable one gives none).
 */
export async function loadCheckpoint(
  dir: string,
  model: TrainableModel,
  optimizer: AdamW,
  lrScheduler: LambdaLR,
  state: TrainerState,
): Promise<SavedSeeds> {
  const snapshot = await readResumeSnapshot(dir, model, optimizer, lrScheduler);
  assignCheckpointWeights(model.namedParameters(), snapshot.weights);
  optimizer.loadStateDict(snapshot.optimizer);
  lrScheduler.loadStateDict(snapshot.scheduler);
  state.resumeFrom(snapshot.state);
  return readSavedSeeds(dir);
}

/**
 * What to tell a user who resumes with other seeds than the run that wrote
 * the checkpoint, or undefined when they match (or are not known). Dropout
 * masks follow from `seed` and the data order from `dataSeed ?? seed`; Python
 * restores its RNG states from rng_state.pth instead, so only the data order
 * follows its new seed there.
 */
export function seedChangeWarning(
  dir: string,
  saved: SavedSeeds,
  now: { seed: number; dataSeed: number | undefined },
  globalStep: number,
): string | undefined {
  const changes: string[] = [];
  if (saved.seed !== undefined && saved.seed !== now.seed)
    changes.push(`seed ${now.seed} where it had ${saved.seed} (dropout masks differ)`);
  const savedData = saved.dataSeed ?? saved.seed;
  const nowData = now.dataSeed ?? now.seed;
  if (savedData !== undefined && savedData !== nowData) {
    changes.push(
      `data seed ${nowData} where it had ${savedData} (the batches skipped to reach step ${globalStep} ` +
        'come from another order: in the interrupted epoch some samples are seen twice, others not at all)',
    );
  }
  if (changes.length === 0) return undefined;
  return (
    `Resuming from ${dir} with ${changes.join(', and ')}; the run does not continue the one that wrote ` +
    'the checkpoint. Pass the same seeds to continue it exactly.'
  );
}

/** The arguments of the run that wrote a checkpoint, as its trainer_state.json records them. */
export interface CheckpointArguments {
  /** Rows per batch per process (`train_batch_size`); undefined when not recorded (Python's None, or 0). */
  readonly trainBatchSize: number | undefined;
  readonly loggingSteps: number;
  readonly evalSteps: number;
  readonly saveSteps: number;
}

/**
 * Reads the checkpoint's trainer_state.json for what a resumed run needs before it builds its
 * loader: the batch size it trained at (Python sets `_train_batch_size` from it, so the batches
 * skipped to reach the checkpoint's step are the ones it trained on, and a size that
 * `autoFindBatchSize` found is not searched for again). Throws {@link CheckpointError} as
 * {@link loadCheckpoint} does for a missing folder or a damaged file.
 */
export async function readCheckpointArguments(dir: string): Promise<CheckpointArguments> {
  const state = await readCheckpointState(dir);
  return {
    trainBatchSize: state.trainBatchSize > 0 ? state.trainBatchSize : undefined,
    loggingSteps: state.loggingSteps,
    evalSteps: state.evalSteps,
    saveSteps: state.saveSteps,
  };
}

/**
 * What to tell a user whose arguments differ from the checkpoint's (Python
 * `compare_trainer_and_checkpoint_args`), or undefined. Step intervals given as a ratio of the
 * run (below 1) are not compared: the checkpoint holds them resolved to steps.
 */
export function checkpointArgumentsWarning(
  args: { loggingSteps: number; evalSteps: number; saveSteps: number; perDeviceTrainBatchSize: number },
  saved: CheckpointArguments,
): string | undefined {
  const lines: string[] = [];
  const compare = (name: string, field: string, now: number, then: number) => {
    if (now >= 1 && now !== then)
      lines.push(`${name}: ${now} (arguments) != ${then} (trainer_state.json ${field})`);
  };
  compare('loggingSteps', 'logging_steps', args.loggingSteps, saved.loggingSteps);
  compare('evalSteps', 'eval_steps', args.evalSteps, saved.evalSteps);
  compare('saveSteps', 'save_steps', args.saveSteps, saved.saveSteps);
  if (saved.trainBatchSize !== undefined && saved.trainBatchSize !== args.perDeviceTrainBatchSize) {
    lines.push(
      `perDeviceTrainBatchSize: ${args.perDeviceTrainBatchSize} (arguments) != ${saved.trainBatchSize} ` +
        `(trainer_state.json train_batch_size); the run goes on at ${saved.trainBatchSize}, as the checkpoint's did`,
    );
  }
  if (lines.length === 0) return undefined;
  return `The following arguments do not match the ones in the checkpoint's trainer_state.json:\n\t${lines.join('\n\t')}`;
}

async function readSavedSeeds(dir: string): Promise<SavedSeeds> {
  let json: unknown;
  try {
    json = await readCheckpointJson(join(dir, CHECKPOINT_FILES.trainingArgs));
  } catch {
    return {};
  }
  const record = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const integer = (value: unknown) => (Number.isSafeInteger(value) ? (value as number) : undefined);
  const seed = integer(record.seed);
  const dataSeed = integer(record.data_seed);
  return { ...(seed === undefined ? {} : { seed }), ...(dataSeed === undefined ? {} : { dataSeed }) };
}

async function readResumeSnapshot(
  dir: string,
  model: TrainableModel,
  optimizer: AdamW,
  lrScheduler: LambdaLR,
): Promise<ResumeSnapshot> {
  const state = await readCheckpointState(dir);
  const weights = await readCheckpointWeights(join(dir, CHECKPOINT_FILES.model), model.namedParameters());
  return {
    weights,
    optimizer: await readOptimizerState(dir, optimizer),
    scheduler: await readSchedulerState(dir, lrScheduler),
    state,
  };
}

/** The checkpoint folder checked, then its trainer_state.json, checked. */
async function readCheckpointState(dir: string): Promise<TrainerState> {
  await checkFolder(dir);
  const statePath = join(dir, CHECKPOINT_FILES.trainerState);
  return TrainerState.fromJSON(await readCheckpointJson(statePath), statePath);
}

/** Python's "Can't find a valid checkpoint at …", saying why. */
async function checkFolder(dir: string): Promise<void> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(dir)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such folder' : (error as Error).message;
    throw new CheckpointError(`Can't find a valid checkpoint at ${dir}: ${why}`);
  }
  if (!isFolder) throw new CheckpointError(`Can't find a valid checkpoint at ${dir}: not a folder`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** optimizer.json (groups and per-weight steps) with optimizer.safetensors (the moments), checked. */
async function readOptimizerState(dir: string, optimizer: AdamW): Promise<AdamWStateDict> {
  const metaPath = join(dir, CHECKPOINT_FILES.optimizerMeta);
  const momentsPath = join(dir, CHECKPOINT_FILES.optimizer);
  if (!(await exists(metaPath)) && !(await exists(momentsPath))) {
    throw new CheckpointError(
      `Cannot resume from ${dir}: it holds no optimizer state (no ${CHECKPOINT_FILES.optimizerMeta}), ` +
        'as a checkpoint saved with saveOnlyModel. Such a checkpoint cannot resume training; ' +
        'load its model with fromPretrained and start a new run instead.',
    );
  }
  const fail: Fail = (problem) => new CheckpointError(`${metaPath}: ${problem}`);
  const meta = checkedRecord(await readCheckpointJson(metaPath), 'the file', fail);
  const paramGroups = checkedArray(meta.param_groups, 'param_groups', fail);
  const steps = checkedRecord(meta.steps ?? {}, 'steps', fail);
  const names = new Set(optimizer.paramGroups.flatMap((group) => group.params.map(([name]) => name)));
  const moments = await readCheckpointSafetensors(momentsPath);
  const state: AdamWStateDict['state'] = {};
  for (const [name, step] of Object.entries(steps)) {
    if (!names.has(name))
      throw fail(`steps names ${JSON.stringify(name)}, which is not a parameter of the model`);
    const moment = (key: string) => {
      const entry = moments.tensors.get(`${key}.${name}`);
      if (entry === undefined)
        throw new CheckpointError(`${momentsPath}: moments of ${JSON.stringify(name)} are missing`);
      return { shape: [...entry.shape], data: checkpointTensorValues(entry, `${key}.${name}`, momentsPath) };
    };
    state[name] = {
      step: checkedCount(step, `steps[${JSON.stringify(name)}]`, fail),
      expAvg: moment('exp_avg'),
      expAvgSq: moment('exp_avg_sq'),
    };
  }
  const dict = { paramGroups, state };
  fitsOrThrow(
    () => optimizer.checkStateDict(dict),
    `${metaPath} and ${momentsPath} do not fit the optimizer`,
  );
  return dict as AdamWStateDict;
}

/** scheduler.json (torch's `last_epoch`, `base_lrs`, `_last_lr`), checked. */
async function readSchedulerState(dir: string, lrScheduler: LambdaLR): Promise<SchedulerStateDict> {
  const path = join(dir, CHECKPOINT_FILES.scheduler);
  const json = checkedRecord(
    await readCheckpointJson(path),
    'the file',
    (problem) => new CheckpointError(`${path}: ${problem}`),
  );
  const dict = { lastEpoch: json.last_epoch, baseLrs: json.base_lrs, lastLr: json._last_lr };
  fitsOrThrow(() => lrScheduler.checkStateDict(dict), `${path} does not fit the scheduler`);
  return dict as SchedulerStateDict;
}

/** Runs an optimizer's or scheduler's own check; what it refuses is a damaged checkpoint. */
function fitsOrThrow(check: () => void, what: string): void {
  try {
    check();
  } catch (error) {
    if (!(error instanceof OptimizerError)) throw error;
    throw new CheckpointError(`${what}: ${error.message}`);
  }
}
