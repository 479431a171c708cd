/**
 * The option names of the Trainer's methods, checked as Python checks keyword arguments:
 * `trainer.train(resume_from_checkpoint=True)` is our `train({ resumeFromCheckpoint: true })`, and
 * the Python spelling, taken and ignored, would train from scratch without a word.
 */
import {
  assertOptionNames,
  type ListIsWhole,
  type OptionNames,
  type UnlistedOptions,
} from '@ner/models/internal';
import { TrainerError } from './errors.js';
import type { ModelCardOptions } from './hub-model-card.js';
import type { PushToHubOptions } from './hub-push.js';

/** Options of `Trainer.train` (Python `train(resume_from_checkpoint=None, ...)`). */
export interface TrainOptions {
  /**
   * A checkpoint folder to resume from, or `true` for the latest `checkpoint-*` in `outputDir`
   * (Python `resume_from_checkpoint`).
   */
  readonly resumeFromCheckpoint?: string | boolean;
}

const TRAIN_NAMES = ['resumeFromCheckpoint'] as const satisfies readonly (keyof TrainOptions)[];
const CARD_NAMES = [
  'language',
  'license',
  'tags',
  'modelName',
  'finetunedFrom',
  'tasks',
  'datasetTags',
  'dataset',
  'datasetArgs',
] as const satisfies readonly (keyof ModelCardOptions)[];
const PUSH_NAMES = [
  ...CARD_NAMES,
  'commitMessage',
  'blocking',
  'token',
  'revision',
] as const satisfies readonly (keyof PushToHubOptions)[];

/** A compile error here names an option to add to one of the lists above. */
export const trainerMethodOptionNamesAreWhole: ListIsWhole<
  | UnlistedOptions<TrainOptions, typeof TRAIN_NAMES>
  | UnlistedOptions<ModelCardOptions, typeof CARD_NAMES>
  | UnlistedOptions<PushToHubOptions, typeof PUSH_NAMES>
> = true;

const OPTION_NAMES = {
  train: {
    known: TRAIN_NAMES,
    unsupported: {
      trial: { reason: 'there is no hyperparameter search here', harmless: [null] },
      ignoreKeysForEval: {
        reason:
          'evaluation during training keeps every model output; call trainer.evaluate(dataset, ignoreKeys) yourself',
        harmless: [null],
      },
    },
  },
  pushToHub: { known: PUSH_NAMES },
  'hub.createModelCard': { known: CARD_NAMES },
} as const satisfies Record<string, OptionNames>;

/** Throws {@link TrainerError} for the first option the method does not take, saying what was meant. */
export function checkMethodOptionNames(options: unknown, method: keyof typeof OPTION_NAMES): void {
  assertOptionNames(
    options,
    OPTION_NAMES[method],
    (name, problem) => new TrainerError(`Trainer.${method}: ${name ? `${name}: ` : ''}${problem}`),
  );
}
