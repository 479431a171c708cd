/** Base class of every error thrown by @ner/accelerate. */
export class AccelerateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A collective (all-reduce, gather, broadcast, barrier) or the rendezvous failed: a peer left,
 * timed out, or called it with another shape. `ranks` names the ranks at fault when known.
 */
export class CollectiveError extends AccelerateError {
  readonly ranks: readonly number[];
  constructor(message: string, ranks: readonly number[] = []) {
    super(message);
    this.ranks = ranks;
  }
}

/** The rendezvous store refused a request, timed out, or could not be reached. */
export class StoreError extends AccelerateError {}

/** A process-group engine (gloo, nccl) cannot be loaded on this machine; `hint` says how to fix it. */
export class BackendUnavailableError extends AccelerateError {
  readonly backend: string;
  readonly hint: string;
  constructor(backend: string, reason: string, hint: string) {
    super(`process group backend '${backend}' is unavailable: ${reason}. ${hint}`);
    this.backend = backend;
    this.hint = hint;
  }
}
