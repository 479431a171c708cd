import { SaveError } from '@ner/models';

/**
 * Base class of every error thrown by @ner/trainer. `instanceof TrainerError`
 * also holds for {@link CheckpointWriteError}: its class extends @ner/models'
 * `SaveError` (one class for a failed save in both packages), so it cannot
 * extend this one too, yet catching `TrainerError` still catches it.
 */
export class TrainerError extends Error {
  /** @param options `cause`: the error this one explains. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // `x instanceof OptimizerError` calls this with the subclass as `this`: only the base class widens.
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof.
    if (this !== TrainerError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      Function.prototype[Symbol.hasInstance].call(TrainerError, value) ||
      value instanceof CheckpointWriteError
    );
  }
}

/** A `TrainingArguments` field has a bad value or contradicts another field. */
export class TrainingArgumentsError extends TrainerError {
  /** The camelCase argument name at fault. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`TrainingArguments.${field}: ${message}`);
    this.field = field;
  }
}

/** An optimizer or scheduler was built or used with bad input. */
export class OptimizerError extends TrainerError {}

/**
 * A checkpoint folder is missing files or holds unreadable state. @ner/models
 * owns checkpoints, so this is its class (a `ModelsError`, not a
 * `TrainerError`): one `instanceof CheckpointError` catches both packages' errors.
 */
export { CheckpointError } from '@ner/models';

/**
 * Writing a saved model failed (disk full, no permission, read-only disk...):
 * @ner/models' class, thrown by `saveModel` and the model card as by
 * `savePretrained`. Every file is written under a temporary name and renamed,
 * so nothing half-written is left under a final name; `path` is the file or
 * folder that could not be written and `code` the system error code (`ENOSPC`...).
 */
export { SaveError } from '@ner/models';

/**
 * Writing a checkpoint folder failed. The temporary folder was removed and the
 * checkpoints already on disk (including an older copy of the same step) are
 * untouched. A `SaveError`, and an `instanceof TrainerError` too.
 */
export class CheckpointWriteError extends SaveError {}

/** The loss became NaN or infinite; `step` names the optimizer step (1-based) that produced it. */
export class NonFiniteLossError extends TrainerError {
  readonly step: number;
  constructor(step: number, loss: number) {
    super(
      `Loss is ${loss} at global step ${step}; training stopped (lower the learning rate or check the inputs).`,
    );
    this.step = step;
  }
}
