// A tiny BERT token classifier, a synthetic token-classification set, and the setup the Trainer tests share.
import '@tensorflow/tfjs-backend-cpu';
import { DataCollatorForTokenClassification } from '@ner/collate';
import { AutoModelForTokenClassification, BertConfig } from '@ner/models';
import { tinyBertSizes } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll } from 'vitest';
import { Trainer, type TrainerCallback, type TrainingArgumentsOptions } from '../src/index.js';
import { removeTempDirs } from './temp-dirs.js';

/** The cpu backend for every test of the file, and its temp folders removed after each test. */
export function useCpuAndTempDirs(): void {
  afterEach(removeTempDirs);
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
}

/** The tiny BERT's config (3 labels, with dropout). */
export const TINY_CONFIG = { ...tinyBertSizes(1), maxPositionEmbeddings: 32, numLabels: 3 };

/** Dropout off: the forward pass depends on the weights and the batch only. */
export const NO_DROPOUT = { hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 };

/** A tiny sequence classifier's config (2 labels, no dropout). */
export const TINY_SEQUENCE_CONFIG = {
  ...TINY_CONFIG,
  maxPositionEmbeddings: 16,
  numLabels: 2,
  ...NO_DROPOUT,
};

/** Short quiet runs: 4 steps of batch 4, a log every step, a checkpoint every 2. */
export const SHORT_RUN = {
  perDeviceTrainBatchSize: 4,
  learningRate: 5e-3,
  logLevel: 'error',
  reportTo: 'none',
  loggingSteps: 1,
  maxSteps: 4,
  saveSteps: 2,
} as const;

export function tinyModel(seed = 7, numLabels = 3, overrides: Partial<typeof NO_DROPOUT> = {}) {
  return AutoModelForTokenClassification.fromConfig(
    new BertConfig({ ...TINY_CONFIG, numLabels, ...overrides }),
    {
      seed,
    },
  );
}

/** Rows of varying length; label = token id mod 3 (learnable), -100 on the [CLS]-like first token. */
/** One row of {@link syntheticRows}. */
export type SyntheticRow = { input_ids: number[]; labels: number[] };

export function syntheticRows(count: number, seed = 1): SyntheticRow[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: count }, () => {
    const length = 3 + Math.floor(next() * 6);
    const ids = [2, ...Array.from({ length: length - 1 }, () => 4 + Math.floor(next() * 30))];
    return { input_ids: ids, labels: ids.map((id, i) => (i === 0 ? -100 : id % 3)) };
  });
}

export const collator = new DataCollatorForTokenClassification({ padTokenId: 0 });

/**
 * A Trainer of a fresh tiny model over `rows`, with the shared collator and {@link SHORT_RUN} writing to
 * `outputDir`; `args` override the run, `callbacks` are added to the default ones.
 */
export function shortRunTrainer(
  outputDir: string,
  rows: SyntheticRow[],
  args: Partial<TrainingArgumentsOptions> = {},
  callbacks?: TrainerCallback[],
) {
  return new Trainer({
    model: tinyModel(),
    args: { ...SHORT_RUN, outputDir, ...args },
    trainDataset: rows,
    dataCollator: collator,
    ...(callbacks === undefined ? {} : { callbacks }),
  });
}

/** Row `i` of a 2-class sequence set: four tokens, all rows the same length. */
export function sequenceRow(i: number): { input_ids: number[]; labels: number } {
  return { input_ids: [2, 4 + (i % 30), 4 + ((i * 7) % 30), 3], labels: i % 2 };
}

/** Two quiet epochs of the sequence set: a log every step, no checkpoints, evaluation in batches of 3. */
export const SEQUENCE_RUN = {
  perDeviceEvalBatchSize: 3,
  learningRate: 1e-2,
  numTrainEpochs: 2,
  loggingSteps: 1,
  saveStrategy: 'no',
  reportTo: 'none',
  logLevel: 'error',
} as const;
