/**
 * The option names of `fromPretrained` (models and `AutoConfig`), checked as Python checks its
 * keyword arguments: `fromPretrained('bert-base-cased', { num_labels: 9 })` would otherwise build a
 * two-label head without a word. Python also takes any config field as a keyword argument (it
 * overrides config.json); here a config is changed by loading it and passing it as `config`.
 */
import { HUB_OPTION_NAMES } from '@ner/hub';
import type { AutoConfigOptions } from './auto.js';
import { ConfigError } from './errors.js';
import type { FromPretrainedOptions } from './load-pretrained.js';
import {
  assertOptionNames,
  type ListIsWhole,
  type OptionNames,
  type UnlistedOptions,
} from './option-names.js';

const HUB_NAMES = [
  ...HUB_OPTION_NAMES,
  'resolveFile',
] as const satisfies readonly (keyof AutoConfigOptions)[];
const LABEL_NAMES = ['id2label', 'label2id', 'numLabels', 'problemType'] as const;
const CONFIG_NAMES = [...HUB_NAMES, ...LABEL_NAMES] as const satisfies readonly (keyof AutoConfigOptions)[];
const MODEL_NAMES = [
  ...CONFIG_NAMES,
  'ignoreMismatchedSizes',
  'seed',
  'logger',
  'config',
  'dtype',
] as const satisfies readonly (keyof FromPretrainedOptions)[];

/** A compile error here names an option to add to one of the lists above. */
export const pretrainedOptionNamesAreWhole: ListIsWhole<
  | UnlistedOptions<AutoConfigOptions, typeof CONFIG_NAMES>
  | UnlistedOptions<FromPretrainedOptions, typeof MODEL_NAMES>
> = true;

const CONFIG_FIELD_HINT =
  'to change a config field, load the config (AutoConfig.fromPretrained), set the field and pass it as config';

/** Python's `from_pretrained` keyword arguments with no counterpart here, with why. */
const UNSUPPORTED: OptionNames['unsupported'] = {
  torchDtype: {
    reason: "dtype: 'bf16' loads the Linear weights in bfloat16",
    harmless: [null, 'float32', 'auto'],
  },
  deviceMap: {
    reason: 'the weights go to the active tfjs backend, which initBackend() chooses',
    harmless: [null],
  },
  lowCpuMemUsage: { reason: 'weights are read one tensor at a time already', harmless: [null, true, false] },
  trustRemoteCode: { reason: 'only the BERT and DistilBERT code here runs', harmless: [false, null] },
  attnImplementation: {
    reason: "attention is the backend's own kernel (eager semantics)",
    harmless: [null, 'eager'],
  },
  forceDownload: { reason: 'delete the file from the cache folder to download it again', harmless: [false] },
  useSafetensors: {
    reason: 'model.safetensors is read when present, else pytorch_model.bin',
    harmless: [null, true],
  },
  outputLoadingInfo: {
    reason: 'missing and unexpected weights are reported through logger',
    harmless: [false],
  },
  subfolder: { reason: 'give the subfolder in the path', harmless: ['', null] },
};

/** Throws {@link ConfigError} naming the first option `fromPretrained` does not take. */
export function checkFromPretrainedOptions(options: unknown, pathOrId: string, configOnly = false): void {
  const names = {
    known: configOnly ? CONFIG_NAMES : MODEL_NAMES,
    unsupported: UNSUPPORTED,
    hint: CONFIG_FIELD_HINT,
  };
  // An explicit undefined is no options, as a default parameter makes it.
  assertOptionNames(
    options,
    names,
    (name, problem) => new ConfigError(`fromPretrained(${pathOrId}): ${name ? `${name}: ` : ''}${problem}`),
  );
}
