/**
 * `AutoConfig` / `AutoModel…` classes: read config.json, dispatch on
 * `model_type` ("bert" or "distilbert") to the matching class.
 */
import { BertConfig } from './bert-config.js';
import { BertForSequenceClassification } from './bert-for-sequence-classification.js';
import { BertForTokenClassification } from './bert-for-token-classification.js';
import { BertModel } from './bert-model.js';
import { DistilBertConfig } from './distilbert-config.js';
import { DistilBertForSequenceClassification } from './distilbert-for-sequence-classification.js';
import { DistilBertForTokenClassification } from './distilbert-for-token-classification.js';
import { DistilBertModel } from './distilbert-model.js';
import { ConfigError } from './errors.js';
import { applyConfigOverrides, type FromPretrainedOptions, loadConfigFile } from './load-pretrained.js';
import { type HubOptions, modelFileResolver } from './model-files.js';
import type { ModelInitOptions } from './pretrained-model.js';

/** Any config this package implements. */
export type AnyConfig = BertConfig | DistilBertConfig;
/** What `AutoModelForTokenClassification` returns. */
export type TokenClassificationModel = BertForTokenClassification | DistilBertForTokenClassification;
/** What `AutoModelForSequenceClassification` returns. */
export type SequenceClassificationModel = BertForSequenceClassification | DistilBertForSequenceClassification;
/** What `AutoModel` returns. */
export type BaseModel = BertModel | DistilBertModel;

/** Options of `AutoConfig.fromPretrained`: Hub options plus label overrides. */
export type AutoConfigOptions = HubOptions &
  Pick<FromPretrainedOptions, 'id2label' | 'label2id' | 'numLabels' | 'problemType'>;

// biome-ignore lint/complexity/noStaticOnlyClass: named and called like transformers' Auto classes.
export class AutoConfig {
  /** Reads `config.json` of a folder or Hub id into BertConfig or DistilBertConfig. */
  static async fromPretrained(pathOrId: string, options: AutoConfigOptions = {}): Promise<AnyConfig> {
    const config = await loadConfigFile(await modelFileResolver(pathOrId, options), pathOrId);
    applyConfigOverrides(config, options);
    // The file was checked as read; the label options may have changed what a model would be built from.
    config.validate(`config.json of ${pathOrId} with the given options`);
    return config;
  }

  /** A fresh config for `modelType` (`AutoConfig.for_model`). */
  static forModel(modelType: 'bert' | 'distilbert', options: Record<string, unknown> = {}): AnyConfig {
    if (modelType === 'bert') return new BertConfig(options);
    if (modelType === 'distilbert') return new DistilBertConfig(options);
    throw new ConfigError(`model_type "${modelType}" is not supported; use "bert" or "distilbert".`);
  }
}

async function configFor(pathOrId: string, options: FromPretrainedOptions): Promise<AnyConfig> {
  if (options.config) return options.config as AnyConfig;
  return loadConfigFile(await modelFileResolver(pathOrId, options), pathOrId);
}

// biome-ignore lint/complexity/noStaticOnlyClass: named and called like transformers' Auto classes.
export class AutoModelForTokenClassification {
  /** `AutoModelForTokenClassification.from_pretrained`. */
  static async fromPretrained(
    pathOrId: string,
    options: FromPretrainedOptions = {},
  ): Promise<TokenClassificationModel> {
    const config = await configFor(pathOrId, options);
    return config instanceof BertConfig
      ? BertForTokenClassification.fromPretrained(pathOrId, { ...options, config })
      : DistilBertForTokenClassification.fromPretrained(pathOrId, { ...options, config });
  }

  /** `AutoModelForTokenClassification.from_config`: fresh seeded weights. */
  static fromConfig(config: AnyConfig, options: ModelInitOptions = {}): TokenClassificationModel {
    return config instanceof BertConfig
      ? new BertForTokenClassification(config, options)
      : new DistilBertForTokenClassification(config, options);
  }
}

// biome-ignore lint/complexity/noStaticOnlyClass: named and called like transformers' Auto classes.
export class AutoModelForSequenceClassification {
  /** `AutoModelForSequenceClassification.from_pretrained`. */
  static async fromPretrained(
    pathOrId: string,
    options: FromPretrainedOptions = {},
  ): Promise<SequenceClassificationModel> {
    const config = await configFor(pathOrId, options);
    return config instanceof BertConfig
      ? BertForSequenceClassification.fromPretrained(pathOrId, { ...options, config })
      : DistilBertForSequenceClassification.fromPretrained(pathOrId, { ...options, config });
  }

  /** `AutoModelForSequenceClassification.from_config`: fresh seeded weights. */
  static fromConfig(config: AnyConfig, options: ModelInitOptions = {}): SequenceClassificationModel {
    return config instanceof BertConfig
      ? new BertForSequenceClassification(config, options)
      : new DistilBertForSequenceClassification(config, options);
  }
}

// biome-ignore lint/complexity/noStaticOnlyClass: named and called like transformers' Auto classes.
export class AutoModel {
  /** `AutoModel.from_pretrained`: the bare encoder (for "[CLS] features"). */
  static async fromPretrained(pathOrId: string, options: FromPretrainedOptions = {}): Promise<BaseModel> {
    const config = await configFor(pathOrId, options);
    return config instanceof BertConfig
      ? BertModel.fromPretrained(pathOrId, { ...options, config })
      : DistilBertModel.fromPretrained(pathOrId, { ...options, config });
  }

  /** `AutoModel.from_config`: fresh seeded weights. */
  static fromConfig(config: AnyConfig, options: ModelInitOptions = {}): BaseModel {
    return config instanceof BertConfig
      ? new BertModel(config, options)
      : new DistilBertModel(config, options);
  }
}
