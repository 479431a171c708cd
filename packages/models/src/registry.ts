/**
 * transformers' Auto mappings: `model_type` → config class, and `model_type` + task → model class.
 * The Auto classes look classes up here; adding a family means adding its rows.
 */
import { BertConfig } from './bert/config.js';
import { BertForMaskedLM } from './bert/bert-for-masked-lm.js';
import { BertForSequenceClassification, BertForTokenClassification, BertModel } from './bert/models.js';
import { DistilBertConfig } from './distilbert/config.js';
import {
  DistilBertForSequenceClassification,
  DistilBertForTokenClassification,
  DistilBertModel,
} from './distilbert/models.js';
import { describeValue } from './describe-value.js';
import { ConfigError } from './errors.js';
import type { ModelClass, PreTrainedModel } from './pretrained-model.js';

/** The model types this package implements. */
export type ModelType = 'bert' | 'distilbert';

/** What an Auto class builds: the bare encoder or one of the heads. */
export type AutoTask = 'base' | 'token-classification' | 'sequence-classification';

/** Any registered class (each narrows `config` to its own config class). */
// biome-ignore lint/suspicious/noExplicitAny: the table holds classes of every config type.
export type RegisteredClass = ModelClass<PreTrainedModel<any>>;

/** `MODEL_MAPPING`, `MODEL_FOR_TOKEN_CLASSIFICATION_MAPPING`, … in one table. */
const MODEL_MAPPING: Readonly<Record<ModelType, Readonly<Record<AutoTask, RegisteredClass>>>> = {
  bert: {
    base: BertModel,
    'token-classification': BertForTokenClassification,
    'sequence-classification': BertForSequenceClassification,
  },
  distilbert: {
    base: DistilBertModel,
    'token-classification': DistilBertForTokenClassification,
    'sequence-classification': DistilBertForSequenceClassification,
  },
};

/** Classes no Auto task builds here, found only by their `architectures` name. */
const CLASSES_BY_NAME_ONLY: readonly RegisteredClass[] = [BertForMaskedLM];

/** `CONFIG_MAPPING`: a fresh config of each model type from camelCase options. */
const CONFIG_MAPPING: Readonly<
  Record<ModelType, (options: Record<string, unknown>) => BertConfig | DistilBertConfig>
> = {
  bert: (options) => new BertConfig(options),
  distilbert: (options) => new DistilBertConfig(options),
};

function checkModelType(modelType: string): ModelType {
  if (Object.hasOwn(MODEL_MAPPING, modelType)) return modelType as ModelType;
  const known = Object.keys(MODEL_MAPPING).map((type) => `"${type}"`);
  throw new ConfigError(
    `model_type ${describeValue(modelType)} is not supported; use ${known.join(' or ')}.`,
  );
}

/** The class that `AutoModel…` builds for `modelType`; a clear error for types not implemented here. */
export function modelClassFor(modelType: string, task: AutoTask): RegisteredClass {
  return MODEL_MAPPING[checkModelType(modelType)][task];
}

/** A fresh config of `modelType` (`AutoConfig.for_model`). */
export function configFor(
  modelType: string,
  options: Record<string, unknown>,
): BertConfig | DistilBertConfig {
  return CONFIG_MAPPING[checkModelType(modelType)](options);
}

/** The class named in `architectures` (e.g. "DistilBertForTokenClassification"), or undefined. */
export function modelClassByName(className: string): RegisteredClass | undefined {
  for (const byTask of Object.values(MODEL_MAPPING))
    for (const modelClass of Object.values(byTask)) if (modelClass.className === className) return modelClass;
  return CLASSES_BY_NAME_ONLY.find((modelClass) => modelClass.className === className);
}
