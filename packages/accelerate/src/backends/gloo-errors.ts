/**
 * Errors of the gloo engine, subclasses of the package's own (src/errors.ts), so code that
 * catches a {@link CollectiveError} or {@link BackendUnavailableError} catches these too. Every
 * message names the collective (or the rendezvous), the rank and the world size.
 */
import { AccelerateError, BackendUnavailableError, CollectiveError } from '../errors.js';

/** The apt line that makes the engine available on Debian/Ubuntu. */
export const GLOO_INSTALL_HINT = 'Run `apt-get install -y libgloo-dev`, then reinstall @ner/accelerate.';

/** The addon could not be loaded (libgloo missing, not built, or disabled); see `reason`. */
export class GlooUnavailableError extends BackendUnavailableError {
  readonly reason: string;
  constructor(reason: string) {
    super('gloo', reason, GLOO_INSTALL_HINT);
    this.reason = reason;
  }
}

/** A collective was called with arguments that cannot work; nothing was sent. */
export class GlooArgumentError extends AccelerateError {
  readonly collective: string;
  readonly rank: number;
  constructor(collective: string, rank: number, worldSize: number, problem: string) {
    super(`gloo ${collective} on rank ${rank} of ${worldSize}: ${problem}`);
    this.collective = collective;
    this.rank = rank;
  }
}

/**
 * A collective (or the rendezvous, `collective: 'rendezvous'`) failed on this rank: a peer died,
 * hung, did not call the same collective, or the timeout expired (`timedOut`). `ranks` names the
 * missing ranks when the failure says which (a rendezvous key nobody published). The context
 * cannot be used afterwards.
 */
export class GlooCollectiveError extends CollectiveError {
  readonly collective: string;
  readonly rank: number;
  readonly worldSize: number;
  readonly timedOut: boolean;
  constructor(
    collective: string,
    rank: number,
    worldSize: number,
    detail: string,
    options: { timedOut: boolean; cause?: unknown; ranks?: readonly number[] },
  ) {
    super(`gloo ${collective} failed on rank ${rank} of ${worldSize}: ${detail}`, options.ranks ?? []);
    this.collective = collective;
    this.rank = rank;
    this.worldSize = worldSize;
    this.timedOut = options.timedOut;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}
