/**
 * `AutoConfig` / `AutoModel…` classes: read config.json and build the class the registry maps its
 * `model_type` to (see `registry.ts`).
 */
import type { BertConfig } from './bert/config.js';
import type { BertForSequenceClassification, BertForTokenClassification, BertModel } from './bert/models.js';
import type { DistilBertConfig } from './distilbert/config.js';
import type {
  DistilBertForSequenceClassification,
  DistilBertForTokenClassification,
  DistilBertModel,
} from './distilbert/models.js';
import { applyConfigOverrides, type FromPretrainedOptions, loadConfigFile } from './load-pretrained.js';
import { type ModelFileOptions, modelFileResolver } from './model-files.js';
import { loadModel, type ModelInitOptions } from './pretrained-model.js';
import { type AutoTask, configFor, modelClassFor } from './registry.js';
import { checkFromPretrainedOptions } from './pretrained-option-names.js';

/** Any config this package implements. */
export type AnyConfig = BertConfig | DistilBertConfig;
/** What `AutoModelForTokenClassification` returns. */
export type TokenClassificationModel = BertForTokenClassification | DistilBertForTokenClassification;
/** What `AutoModelForSequenceClassification` returns. */
export type SequenceClassificationModel = BertForSequenceClassification | DistilBertForSequenceClassification;
/** What `AutoModel` returns. */
export type BaseModel = BertModel | DistilBertModel;

/** Options of `AutoConfig.fromPretrained`: Hub options plus label overrides. */
export type AutoConfigOptions = ModelFileOptions &
  Pick<FromPretrainedOptions, 'id2label' | 'label2id' | 'numLabels' | 'problemType'>;

/**
 * transformers' `AutoConfig`: reads `config.json` of a folder or Hub id into the config class of
 * its `model_type` (`BertConfig` or `DistilBertConfig`), or makes a fresh one (`forModel`).
 */
// biome-ignore lint/complexity/noStaticOnlyClass: named and called like transformers' Auto classes.
export class AutoConfig {
  /** Reads `config.json` of a folder or Hub id into BertConfig or DistilBertConfig. */
  static async fromPretrained(pathOrId: string, options: AutoConfigOptions = {}): Promise<AnyConfig> {
    checkFromPretrainedOptions(options, pathOrId, true);
    const config = await loadConfigFile(await modelFileResolver(pathOrId, options), pathOrId);
    applyConfigOverrides(config, options);
    // The file was checked as read; the label options may have changed what a model would be built from.
    config.validate(`config.json of ${pathOrId} with the given options`);
    return config;
  }

  /** A fresh config for `modelType` (`AutoConfig.for_model`). */
  static forModel(modelType: 'bert' | 'distilbert', options: Record<string, unknown> = {}): AnyConfig {
    return configFor(modelType, options);
  }
}

/**
 * The two static methods every `Auto*` model class has, for one task; the classes below differ
 * only in the task and the model type they return.
 */
function autoModelClass<M>(task: AutoTask) {
  // biome-ignore lint/complexity/noStaticOnlyClass: named and called like transformers' Auto classes.
  return class {
    /** `from_pretrained`: reads config.json, picks the class by `model_type`, loads the weights. */
    static async fromPretrained(pathOrId: string, options: FromPretrainedOptions = {}): Promise<M> {
      checkFromPretrainedOptions(options, pathOrId);
      const config =
        options.config ?? (await loadConfigFile(await modelFileResolver(pathOrId, options), pathOrId));
      return (await loadModel(modelClassFor(config.modelType, task), pathOrId, { ...options, config })) as M;
    }

    /** `from_config`: the class of `config.model_type` with fresh seeded weights. */
    static fromConfig(config: AnyConfig, options: ModelInitOptions = {}): M {
      return new (modelClassFor(config.modelType, task))(config, options) as M;
    }
  };
}

/**
 * transformers' `AutoModelForTokenClassification`: `BertForTokenClassification` or
 * `DistilBertForTokenClassification`, by the config's `model_type`.
 */
export class AutoModelForTokenClassification extends autoModelClass<TokenClassificationModel>(
  'token-classification',
) {}

/**
 * transformers' `AutoModelForSequenceClassification`: `BertForSequenceClassification` or
 * `DistilBertForSequenceClassification`, by the config's `model_type`.
 */
export class AutoModelForSequenceClassification extends autoModelClass<SequenceClassificationModel>(
  'sequence-classification',
) {}

/** transformers' `AutoModel`: the bare encoder, `BertModel` or `DistilBertModel` (for "[CLS] features"). */
export class AutoModel extends autoModelClass<BaseModel>('base') {}
