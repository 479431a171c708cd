/**
 * The model card (`README.md`) the Trainer writes next to a saved model, as
 * transformers' `Trainer.create_model_card` builds it (`TrainingSummary.from_trainer`):
 * what the model was fine-tuned from, on which data, the last evaluation's
 * results, the hyperparameters, the training results table from the log
 * history, and the versions of what trained it. `@ner/hub` renders it.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  type CardValue,
  type LogHistoryEntry,
  parseLogHistory,
  renderModelCard,
  type TrainingSummary,
} from '@ner/hub';
import { writeFileAtomic } from '@ner/models';
import * as tf from '@tensorflow/tfjs-core';
import { version as trainerVersion } from '../package.json';
import { SaveError } from './errors.js';
import type { TrainableModel } from './trainable-model.js';
import type { TrainerState } from './trainer-state.js';
import type { TrainingArguments } from './training-arguments.js';
import { describeCode, systemErrorCode } from './write-failure.js';
// Python's str(float), shared with hub, models and evaluate (bundled at build time).
import { pythonFloatRepr } from '../../../tools/python-format/index.js';

/**
 * What a user may say about the model in its card (Python `create_model_card`'s
 * keyword arguments, camelCased). Everything is optional: the rest is inferred
 * from the Trainer.
 */
export interface ModelCardOptions {
  /** Language code(s) of the training text, e.g. `'en'`. */
  readonly language?: string | readonly string[];
  /** e.g. `'apache-2.0'`. */
  readonly license?: string;
  /** Extra tags; `'generated_from_trainer'` is always added. */
  readonly tags?: string | readonly string[];
  /** The card's heading [the last part of `hubModelId`, else the output folder's name]. */
  readonly modelName?: string;
  /** The model fine-tuned [the config's `_name_or_path` when it is a Hub id, not a local folder]. */
  readonly finetunedFrom?: string;
  /** Task tag(s) [`'token-classification'` or `'text-classification'` from the model's head]. */
  readonly tasks?: string | readonly string[];
  /** Hub dataset id(s) for the metadata, e.g. `'wnut_17'` (Python `dataset_tags`). */
  readonly datasetTags?: string | readonly string[];
  /** Dataset name(s) for the text [datasetTags]. */
  readonly dataset?: string | readonly string[];
  /** Dataset config name(s), one per dataset tag (Python `dataset_args`). */
  readonly datasetArgs?: string | readonly string[];
}

/** The parts of a Trainer the card is made from. */
export interface ModelCardSource {
  readonly args: TrainingArguments;
  readonly state: TrainerState;
  readonly model: TrainableModel;
  /** Processes training together. */
  readonly accelerator: { readonly numProcesses: number };
}

const TRAINER_TAG = 'generated_from_trainer';

function modelConfig(model: TrainableModel): { nameOrPath?: unknown; architectures?: unknown } {
  const config = model.config;
  return typeof config === 'object' && config !== null ? (config as Record<string, unknown>) : {};
}

/** `TASK_MAPPING` lookup: the head's class (or the config's architecture) names the task. */
function inferTask(model: TrainableModel): string | undefined {
  const architectures = modelConfig(model).architectures;
  const names = [model.constructor?.name ?? '', ...(Array.isArray(architectures) ? architectures : [])];
  if (names.some((name) => String(name).endsWith('ForTokenClassification'))) return 'token-classification';
  if (names.some((name) => String(name).endsWith('ForSequenceClassification'))) return 'text-classification';
  return undefined;
}

/** Python infers `finetuned_from` from `_name_or_path` unless that is a local folder. */
function inferFinetunedFrom(model: TrainableModel): string | undefined {
  const nameOrPath = modelConfig(model).nameOrPath;
  if (typeof nameOrPath !== 'string' || nameOrPath === '' || existsSync(nameOrPath)) return undefined;
  return nameOrPath;
}

/** transformers' `extract_hyperparameters_from_trainer`, with our optimizer named as it is. */
export function trainerHyperparameters(
  args: TrainingArguments,
  numProcesses: number,
): Record<string, CardValue | boolean> {
  const out: Record<string, CardValue | boolean> = {
    learning_rate: args.learningRate,
    train_batch_size: args.perDeviceTrainBatchSize,
    eval_batch_size: args.perDeviceEvalBatchSize,
    seed: args.seed,
  };
  if (numProcesses > 1) {
    out.distributed_type = 'multi-process';
    out.num_devices = numProcesses;
  }
  if (args.gradientAccumulationSteps > 1) out.gradient_accumulation_steps = args.gradientAccumulationSteps;
  const totalTrain = args.perDeviceTrainBatchSize * numProcesses * args.gradientAccumulationSteps;
  if (totalTrain !== args.perDeviceTrainBatchSize) out.total_train_batch_size = totalTrain;
  const totalEval = args.perDeviceEvalBatchSize * numProcesses;
  if (totalEval !== args.perDeviceEvalBatchSize) out.total_eval_batch_size = totalEval;
  // transformers 4.38 writes "Adam with betas=..." for torch's AdamW; ours is AdamW, so it says so.
  out.optimizer = `AdamW with betas=(${args.adamBeta1},${args.adamBeta2}) and epsilon=${String(args.adamEpsilon).replace(/e-(\d)$/, 'e-0$1')}`;
  out.lr_scheduler_type = args.lrSchedulerType;
  if (args.warmupRatio !== 0) out.lr_scheduler_warmup_ratio = args.warmupRatio;
  if (args.warmupSteps !== 0) out.lr_scheduler_warmup_steps = args.warmupSteps;
  if (args.maxSteps !== -1) out.training_steps = args.maxSteps;
  else out.num_epochs = pythonFloatRepr(args.numTrainEpochs);
  return out;
}

/** The versions listed under "Framework versions". */
export function frameworkVersions(): Record<string, string> {
  return {
    '@ner/trainer': trainerVersion,
    'TensorFlow.js (tfjs-core)': tf.version_core,
    'Node.js': process.version,
  };
}

/** The card's contents (Python `TrainingSummary.from_trainer`). */
export function trainerModelCardSummary(
  source: ModelCardSource,
  options: ModelCardOptions = {},
): TrainingSummary {
  const { args, state, model } = source;
  const given =
    options.tags === undefined ? [] : typeof options.tags === 'string' ? [options.tags] : [...options.tags];
  const tags = given.includes(TRAINER_TAG) ? given : [...given, TRAINER_TAG];
  const { evalLines, evalResults } = parseLogHistory(state.logHistory as unknown as LogHistoryEntry[]);
  const finetunedFrom = options.finetunedFrom ?? inferFinetunedFrom(model);
  const modelName =
    options.modelName ??
    args.hubModelId?.split('/').at(-1) ??
    (basename(resolve(args.outputDir)) || finetunedFrom);
  const tasks = options.tasks ?? inferTask(model);
  const summary: Record<string, unknown> = {
    modelName: modelName ?? 'model',
    tags,
    language: options.language,
    license: options.license,
    finetunedFrom,
    tasks,
    datasetTags: options.datasetTags,
    dataset: options.dataset ?? options.datasetTags,
    datasetArgs: options.datasetArgs,
    evalResults,
    evalLines,
    hyperparameters: trainerHyperparameters(args, source.accelerator.numProcesses),
    frameworkVersions: frameworkVersions(),
  };
  for (const key of Object.keys(summary)) if (summary[key] === undefined) delete summary[key];
  return summary as unknown as TrainingSummary;
}

/** Said in the card's text: the metadata keeps `library_name: transformers`, where the files load. */
const TRAINED_WITH =
  'Trained in Node.js with [@ner/trainer](https://www.npmjs.com/package/@ner/trainer) on TensorFlow.js; ' +
  "the files are transformers' own (`config.json`, `model.safetensors`), so `from_pretrained` loads them.\n";

/** The card as text (see {@link trainerModelCardSummary}). */
export function renderTrainerModelCard(source: ModelCardSource, options: ModelCardOptions = {}): string {
  const card = renderModelCard(trainerModelCardSummary(source, options));
  return card.replace('\n## Model description\n', `\n${TRAINED_WITH}\n## Model description\n`);
}

/**
 * Writes `README.md` into `dir` (temporary name, then renamed). Returns its path. A system failure
 * (disk full...) is a `SaveError` naming the file; the previous card stays whole.
 */
export async function writeTrainerModelCard(
  dir: string,
  source: ModelCardSource,
  options: ModelCardOptions = {},
): Promise<string> {
  const path = join(dir, 'README.md');
  try {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(path, renderTrainerModelCard(source, options));
  } catch (error) {
    const code = systemErrorCode(error);
    // writeFileAtomic's own SaveError already names the card's file.
    if (code === undefined || error instanceof SaveError) throw error;
    throw new SaveError(path, code, error, `Cannot write the model card ${path}: ${describeCode(code)}.`);
  }
  return path;
}
