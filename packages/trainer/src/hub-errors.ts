import { TrainerError } from './errors.js';

/**
 * A push to the Hub made by the Trainer failed. During training a failed push
 * is only a warning (training goes on and the next save pushes again); when
 * the last push of a run has failed, `train()` rejects with this error after
 * training finished and every checkpoint was written, so nothing is lost:
 * `trainer.pushToHub()` uploads the saved model again. `cause` is the Hub's
 * own error (`HubAuthError`, `HubHttpError`, ...).
 */
export class HubPushError extends TrainerError {
  /** The repo the push went to (`namespace/name`). */
  readonly repoId: string;
  /** The local folder whose upload failed. */
  readonly folder: string;
  constructor(message: string, repoId: string, folder: string, cause: unknown) {
    super(message);
    this.repoId = repoId;
    this.folder = folder;
    this.cause = cause;
  }
}
