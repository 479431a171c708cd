/**
 * Errors thrown by `@ner/hub`. Each one names the repo, the file and the revision involved and says what
 * to do, because "404" alone does not tell a user whether the repo, the file or the branch is wrong.
 * The class names follow Python's `huggingface_hub.errors` so users can map them one to one.
 */

/** Base class of every error thrown by `@ner/hub`. */
export class HubError extends Error {
  override name = 'HubError';
}

/** The repo does not exist, or it is private/gated and no valid token was sent (Hub answers 401 or 404). */
export class RepositoryNotFoundError extends HubError {
  override name = 'RepositoryNotFoundError';
}

/** The repo exists but the revision (branch, tag, commit) does not. */
export class RevisionNotFoundError extends HubError {
  override name = 'RevisionNotFoundError';
}

/** The repo and revision exist but the file does not. */
export class EntryNotFoundError extends HubError {
  override name = 'EntryNotFoundError';
  /** The commit the revision resolved to, when the Hub said (`X-Repo-Commit`); used for the cache's `.no_exist`. */
  commit: string | undefined;
}

/** The repo is gated: the user must accept its conditions on the Hub and send a token. */
export class GatedRepoError extends HubError {
  override name = 'GatedRepoError';
}

/** The token was refused (401 with invalid credentials, or 403). */
export class HubAuthError extends HubError {
  override name = 'HubAuthError';
}

/**
 * The file is needed from the network but the network may not be used (offline mode, `localFilesOnly`)
 * or could not be reached, and the cache has no copy. Same role as Python's `LocalEntryNotFoundError`.
 */
export class LocalEntryNotFoundError extends HubError {
  override name = 'LocalEntryNotFoundError';
}

/** Any other HTTP failure, after retries for transient ones. */
export class HubHttpError extends HubError {
  override name = 'HubHttpError';
  constructor(
    message: string,
    /** HTTP status, or 0 when no response came back (connection error). */
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A repo id, revision or file name that cannot be valid (caught before any request is made). */
export class HubValidationError extends HubError {
  override name = 'HubValidationError';
}
