/** Base class of every error thrown by @ner/trainer. */
export class TrainerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
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

/** A checkpoint folder is missing files or holds unreadable state. */
export class CheckpointError extends TrainerError {}

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

/** A collective operation (all-reduce, gather, barrier) between processes failed. */
export class CollectiveError extends TrainerError {}
