// The Auto classes look classes up in one table: model_type + task → class.
import '@tensorflow/tfjs-backend-cpu';
import { tinyDistilBertSizes } from '@ner/test-support';
import { describe, expect, it } from 'vitest';
import {
  AutoConfig,
  AutoModelForSequenceClassification,
  BertForSequenceClassification,
  BertForTokenClassification,
  BertModel,
  ConfigError,
  DistilBertConfig,
  DistilBertForSequenceClassification,
  DistilBertForTokenClassification,
  DistilBertModel,
  modelClassByName,
  modelClassFor,
} from '../src/index.js';

describe('model registry', () => {
  it.each([
    ['bert', 'base', BertModel],
    ['bert', 'token-classification', BertForTokenClassification],
    ['bert', 'sequence-classification', BertForSequenceClassification],
    ['distilbert', 'base', DistilBertModel],
    ['distilbert', 'token-classification', DistilBertForTokenClassification],
    ['distilbert', 'sequence-classification', DistilBertForSequenceClassification],
  ] as const)('%s + %s → %s', (modelType, task, expected) => {
    expect(modelClassFor(modelType, task)).toBe(expected);
    expect(modelClassByName(expected.className)).toBe(expected);
  });

  it('names the supported types for an unknown model_type', () => {
    expect(() => modelClassFor('roberta', 'base')).toThrow(ConfigError);
    expect(() => modelClassFor('roberta', 'base')).toThrow(
      'model_type "roberta" is not supported; use "bert" or "distilbert".',
    );
    expect(() => AutoConfig.forModel('gpt2' as never)).toThrow(/model_type "gpt2" is not supported/);
    expect(modelClassByName('RobertaModel')).toBeUndefined();
  });

  it('AutoModelForSequenceClassification.fromConfig builds the class of the config', () => {
    const config = new DistilBertConfig({ ...tinyDistilBertSizes(1), numLabels: 2 });
    const model = AutoModelForSequenceClassification.fromConfig(config, { seed: 3 });
    expect(model).toBeInstanceOf(DistilBertForSequenceClassification);
    expect(model.className).toBe('DistilBertForSequenceClassification');
    expect(
      model
        .namedParameters()
        .map(([name]) => name)
        .slice(-4),
    ).toEqual(['pre_classifier.weight', 'pre_classifier.bias', 'classifier.weight', 'classifier.bias']);
    model.dispose();
  });
});
