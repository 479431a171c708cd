/**
 * The `push_to_hub` family of transformers' `TrainingArguments`, checked on
 * their own so that training-arguments.ts stays about training.
 */
import { TrainingArgumentsError } from './errors.js';
import type { TrainingArguments } from './training-arguments.js';

/**
 * What is pushed while training runs (Python's `HubStrategy`); `trainer.pushToHub()`
 * pushes the final model whatever the strategy.
 *
 * - `'end'`: nothing during training.
 * - `'every_save'`: each save pushes the output folder's model files (config, weights,
 *   tokenizer, training_args.json, README.md).
 * - `'checkpoint'`: as `'every_save'`, plus the newest checkpoint as `last-checkpoint/`.
 * - `'all_checkpoints'`: as `'every_save'`, plus each checkpoint as `checkpoint-N/`.
 */
export type HubStrategy = 'end' | 'every_save' | 'checkpoint' | 'all_checkpoints';

/** Every {@link HubStrategy}, in Python's order. */
export const HUB_STRATEGIES: readonly HubStrategy[] = ['end', 'every_save', 'checkpoint', 'all_checkpoints'];

/** The Hub options of `TrainingArguments` (defaults in brackets, as in Python). */
export interface HubArgumentsOptions {
  /** Create the repo when the Trainer is built, push per `hubStrategy` while training [false]. */
  pushToHub?: boolean;
  /**
   * `'name'` (under the token's user) or `'org/name'` [the output folder's name, as Python's
   * `Path(output_dir).absolute().name`].
   */
  hubModelId?: string;
  /** What saves push during training ['every_save']. */
  hubStrategy?: HubStrategy;
  /** Create the repo private [false]; an existing repo keeps its visibility. */
  hubPrivateRepo?: boolean;
  /**
   * Access token with write access [`$HF_TOKEN`, else the token file `ner login` or
   * `huggingface-cli login` wrote]. Never written to `training_args.json` (it holds
   * `"<HUB_TOKEN>"`, as Python writes it).
   */
  hubToken?: string;
  /**
   * Queue every save's push even while one is uploading [false]. By default a save that comes
   * while a push is uploading replaces the push waiting behind it, so at most one waits and the
   * newest save is always pushed.
   */
  hubAlwaysPush?: boolean;
}

/** {@link HubArgumentsOptions} resolved to their defaults: the Hub fields of `TrainingArguments`. */
export type ResolvedHubArguments = Pick<
  TrainingArguments,
  'pushToHub' | 'hubModelId' | 'hubStrategy' | 'hubPrivateRepo' | 'hubToken' | 'hubAlwaysPush'
>;

function booleanOption(field: keyof HubArgumentsOptions, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw new TrainingArgumentsError(field, `expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

/** huggingface_hub's `validate_repo_id` rule for `[namespace/]name`. */
function isRepoId(id: unknown): boolean {
  if (typeof id !== 'string' || id.length > 96) return false;
  const parts = id.split('/');
  return (
    parts.length <= 2 && parts.every((part) => /^[\w.-]+$/.test(part) && !/^[.-]|[.-]$|--|\.\./.test(part))
  );
}

/** Checks the Hub options and fills in Python's defaults. */
export function resolveHubArguments(options: HubArgumentsOptions): ResolvedHubArguments {
  const hubStrategy = options.hubStrategy ?? 'every_save';
  if (!HUB_STRATEGIES.includes(hubStrategy)) {
    throw new TrainingArgumentsError(
      'hubStrategy',
      `expected one of ${HUB_STRATEGIES.map((s) => `'${s}'`).join(', ')}, got ${JSON.stringify(hubStrategy)}`,
    );
  }
  const { hubModelId, hubToken } = options;
  if (hubModelId !== undefined && !isRepoId(hubModelId)) {
    throw new TrainingArgumentsError(
      'hubModelId',
      `expected 'name' or 'namespace/name' (letters, digits, '-', '_', '.'; no '--' or '..', not starting or ending with '-' or '.'; at most 96 characters), got ${JSON.stringify(hubModelId)}`,
    );
  }
  if (hubToken !== undefined && (typeof hubToken !== 'string' || hubToken.trim() === '')) {
    throw new TrainingArgumentsError('hubToken', 'expected a non-empty token string (or leave it unset)');
  }
  return {
    pushToHub: booleanOption('pushToHub', options.pushToHub),
    hubModelId,
    hubStrategy,
    hubPrivateRepo: booleanOption('hubPrivateRepo', options.hubPrivateRepo),
    hubToken,
    hubAlwaysPush: booleanOption('hubAlwaysPush', options.hubAlwaysPush),
  };
}
