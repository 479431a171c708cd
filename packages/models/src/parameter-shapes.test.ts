import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BertConfig } from './bert/config.js';
import { BertForSequenceClassification, BertForTokenClassification, BertModel } from './bert/models.js';
import { DistilBertConfig } from './distilbert/config.js';
import {
  DistilBertForSequenceClassification,
  DistilBertForTokenClassification,
  DistilBertModel,
} from './distilbert/models.js';
import { countParameters, modelParameterShapes } from './parameter-shapes.js';
import type { PreTrainedModel } from './pretrained-model.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const bert = new BertConfig({
  vocabSize: 50,
  hiddenSize: 8,
  numHiddenLayers: 2,
  numAttentionHeads: 2,
  intermediateSize: 12,
  maxPositionEmbeddings: 10,
  typeVocabSize: 3,
  numLabels: 4,
});
const distil = (sinusoidalPosEmbds: boolean) =>
  new DistilBertConfig({
    vocabSize: 50,
    dim: 8,
    nLayers: 2,
    nHeads: 2,
    hiddenDim: 12,
    maxPositionEmbeddings: 10,
    numLabels: 4,
    sinusoidalPosEmbds,
  });

const cases: [string, () => PreTrainedModel, BertConfig | DistilBertConfig][] = [
  ['BertModel', () => new BertModel(bert), bert],
  ['BertForTokenClassification', () => new BertForTokenClassification(bert), bert],
  ['BertForSequenceClassification', () => new BertForSequenceClassification(bert), bert],
  ['DistilBertModel', () => new DistilBertModel(distil(false)), distil(false)],
  [
    'DistilBertForTokenClassification',
    () => new DistilBertForTokenClassification(distil(true)),
    distil(true),
  ],
  [
    'DistilBertForSequenceClassification',
    () => new DistilBertForSequenceClassification(distil(false)),
    distil(false),
  ],
];

describe('modelParameterShapes', () => {
  it.each(cases)('%s: names, order and shapes equal the built model', (className, build, config) => {
    const model = build();
    const built = model.namedParameters().map(([name, variable]) => [name, [...variable.shape]]);
    const predicted = modelParameterShapes(className, config);
    expect(predicted).toEqual(built);
    expect(countParameters(predicted!)).toBe(model.numParameters());
    model.dispose();
  });

  it('returns null for a class it does not know', () => {
    expect(modelParameterShapes('BertForMaskedLM', bert)).toBeNull();
  });
});
