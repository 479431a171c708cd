// Tiny BERT and DistilBERT models whose every parameter is random and nonzero (biases and
// LayerNorm betas included), from a seeded JS generator so each backend gets the same numbers.
// The oracle checkpoints have all-zero Linear biases, which hid a wasm bug that adds the wrong
// bias (issue 14): these models make every bias count.
import { mulberry32 } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import {
  AutoModelForSequenceClassification,
  AutoModelForTokenClassification,
  BertConfig,
  DistilBertConfig,
  type ModelBatch,
  type PreTrainedModel,
  type SequenceClassificationModel,
  type TokenClassificationModel,
} from '../src/index.js';
import { readInputs } from './oracle.js';

/**
 * Values for one parameter: LayerNorm gains around 1, biases and betas of either sign with
 * magnitude in [0.1, 0.6] (never zero), weights uniform with standard deviation 0.2 (ten times
 * BERT's 0.02, so attention is far from uniform and query/key gradients are not negligible).
 */
function randomValues(name: string, size: number, next: () => number): Float32Array {
  const values = new Float32Array(size);
  const isLayerNorm = /(LayerNorm|layer_norm)\.weight$/.test(name);
  const isBias = name.endsWith('.bias');
  const halfWidth = 0.2 * Math.sqrt(3);
  for (let i = 0; i < size; i++) {
    if (isLayerNorm) values[i] = 0.5 + next();
    else if (isBias) values[i] = (next() < 0.5 ? -1 : 1) * (0.1 + 0.5 * next());
    else values[i] = (2 * next() - 1) * halfWidth;
  }
  return values;
}

/** Overwrites every parameter of `model` with seeded random values (in namedParameters order). */
export function randomizeParameters(model: PreTrainedModel, seed: number): void {
  const next = mulberry32(seed);
  for (const [name, variable] of model.namedParameters()) {
    tf.tidy(() => variable.assign(tf.tensor(randomValues(name, variable.size, next), variable.shape)));
  }
}

export interface RandomBiasCase {
  readonly name: string;
  /** Builds the model on the active backend. */
  build(): TokenClassificationModel | SequenceClassificationModel;
  /** Inputs and labels (plain arrays, so each backend makes its own tensors). */
  batch(): ModelBatch;
  /** How many parameters (and so gradients) the model has. */
  readonly parameterCount: number;
}

const TOKEN_LABELS = { 0: 'O', 1: 'B-PER', 2: 'I-PER', 3: 'B-LOC', 4: 'I-LOC' };
const SEQUENCE_LABELS = { 0: 'negative', 1: 'neutral', 2: 'positive' };

function bertConfig(id2label: Record<number, string>): BertConfig {
  return new BertConfig({
    vocabSize: 120,
    hiddenSize: 32,
    numHiddenLayers: 2,
    numAttentionHeads: 4,
    intermediateSize: 37,
    maxPositionEmbeddings: 64,
    id2label,
  });
}

function distilBertConfig(id2label: Record<number, string>): DistilBertConfig {
  return new DistilBertConfig({
    vocabSize: 120,
    dim: 32,
    nLayers: 2,
    nHeads: 4,
    hiddenDim: 37,
    maxPositionEmbeddings: 64,
    id2label,
  });
}

/** The oracle fixture's batch of the same task (3 rows with padding, a second segment for BERT). */
function fixtureBatch(fixture: string, withTokenTypes: boolean): ModelBatch {
  const inputs = readInputs(fixture);
  return {
    input_ids: inputs.input_ids,
    attention_mask: inputs.attention_mask,
    token_type_ids: withTokenTypes ? (inputs.token_type_ids ?? null) : null,
    labels: inputs.labels as number[][] | number[],
  };
}

function randomCase(
  name: string,
  seed: number,
  make: () => TokenClassificationModel | SequenceClassificationModel,
  fixture: string,
  withTokenTypes: boolean,
  parameterCount: number,
): RandomBiasCase {
  return {
    name,
    parameterCount,
    build: () => {
      const model = make();
      randomizeParameters(model, seed);
      return model;
    },
    batch: () => fixtureBatch(fixture, withTokenTypes),
  };
}

/**
 * BERT and DistilBERT with token and sequence heads (the sequence heads add BERT's pooler and
 * DistilBERT's pre_classifier, two more Linear layers with biases). Parameter counts are the
 * lengths of Python's `named_parameters()` for these architectures.
 */
export const RANDOM_BIAS_CASES: readonly RandomBiasCase[] = [
  randomCase(
    'random-bias bert-token',
    101,
    () => AutoModelForTokenClassification.fromConfig(bertConfig(TOKEN_LABELS), { seed: 1 }),
    'bert-token-cls',
    true,
    39,
  ),
  randomCase(
    'random-bias bert-seq',
    202,
    () => AutoModelForSequenceClassification.fromConfig(bertConfig(SEQUENCE_LABELS), { seed: 2 }),
    'bert-seq-cls',
    true,
    41,
  ),
  randomCase(
    'random-bias distilbert-token',
    303,
    () => AutoModelForTokenClassification.fromConfig(distilBertConfig(TOKEN_LABELS), { seed: 3 }),
    'distilbert-token-cls',
    false,
    38,
  ),
  randomCase(
    'random-bias distilbert-seq',
    404,
    () => AutoModelForSequenceClassification.fromConfig(distilBertConfig(SEQUENCE_LABELS), { seed: 4 }),
    'bert-seq-cls',
    false,
    40,
  ),
];
