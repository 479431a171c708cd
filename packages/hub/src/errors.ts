/**
 * Errors thrown by `@ner/hub`. Each one names the repo, the file and the revision involved and says what
 * to do, because "404" alone does not tell a user whether the repo, the file or the branch is wrong.
 * The class names follow Python's `huggingface_hub.errors` so users can map them one to one.
 */

/** Base class of every error thrown by `@ner/hub`. */
export class HubError extends Error {
  /** The class's own name (`RepositoryNotFoundError`, ...), set once here for every subclass. */
  override name = this.constructor.name;
}

/** The repo does not exist, or it is private/gated and no valid token was sent (Hub answers 401 or 404). */
export class RepositoryNotFoundError extends HubError {}

/** The repo exists but the revision (branch, tag, commit) does not. */
export class RevisionNotFoundError extends HubError {}

/** The repo and revision exist but the file does not. */
export class EntryNotFoundError extends HubError {
  /** The commit the revision resolved to, when the Hub said (`X-Repo-Commit`); used for the cache's `.no_exist`. */
  commit: string | undefined;
}

/** The repo is gated: the user must accept its conditions on the Hub and send a token. */
export class GatedRepoError extends HubError {}

/** The token was refused (401 with invalid credentials, or 403). */
export class HubAuthError extends HubError {}

/**
 * The file is needed from the network but the network may not be used (offline mode, `localFilesOnly`)
 * or could not be reached, and the cache has no copy. Same role as Python's `LocalEntryNotFoundError`.
 */
export class LocalEntryNotFoundError extends HubError {}

/** Any other HTTP failure, after retries for transient ones. */
export class HubHttpError extends HubError {
  constructor(
    message: string,
    /** HTTP status, or 0 when no response came back (connection error). */
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * No byte came back in time: a request exceeded `timeoutMs`, or a download body stalled for
 * `stallTimeoutMs`. A subclass of {@link HubHttpError} with status 0, so it is retried like a dropped
 * connection and, after the last attempt, an unreachable Hub falls back to the cache.
 */
export class HubTimeoutError extends HubHttpError {
  constructor(
    message: string,
    /** The URL that did not answer in time. */
    readonly url: string,
    /** The limit that was exceeded, in milliseconds. */
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, 0, options);
  }
}

/**
 * The server answered something the Hub never answers and that is unsafe to follow: a pagination link to
 * another origin (it would receive the token), an ETag or commit hash that cannot be a cache file name, a
 * `206 Partial Content` for the wrong byte range. `url` is the offending URL or value's source.
 */
export class HubResponseError extends HubError {
  constructor(
    message: string,
    /** Where the answer came from. */
    readonly url: string,
  ) {
    super(message);
  }
}

/** A response body is larger than this package reads from that kind of request (checked while streaming). */
export class HubResponseTooLargeError extends HubResponseError {
  constructor(
    message: string,
    url: string,
    /** The most bytes read from such a response. */
    readonly limitBytes: number,
  ) {
    super(message, url);
  }
}

/**
 * A downloaded file does not match the sha256 its ETag names (LFS files are named by their sha256), so
 * it was not put into the cache and its temporary file was deleted.
 */
export class HubIntegrityError extends HubError {
  constructor(
    message: string,
    /** The URL the bytes came from. */
    readonly url: string,
    /** sha256 announced by the ETag. */
    readonly expectedSha256: string,
    /** sha256 of the bytes received. */
    readonly actualSha256: string,
  ) {
    super(message);
  }
}

/** A repo id, revision or file name that cannot be valid (caught before any request is made). */
export class HubValidationError extends HubError {}

/**
 * The Hub refused a write because of what already exists (409): a repo or branch of that name (without
 * `existOk`), or a commit whose `parentCommit` is no longer the head of the branch.
 */
export class HubConflictError extends HubHttpError {}

/** The Hub refused a request body as too large (413), e.g. a commit with too many or too large inline files. */
export class HubPayloadTooLargeError extends HubHttpError {}

/**
 * A file could not be uploaded: the LFS batch API refused it, the storage server kept failing after every
 * retry, or it answered something the protocol does not allow. Nothing was committed: the commit is only
 * created once every file is stored. `status` is the last HTTP status (0: the connection dropped).
 */
export class HubUploadError extends HubHttpError {
  constructor(
    message: string,
    status: number,
    /** The file being uploaded, as named in the repo. */
    readonly pathInRepo: string,
    options?: { cause?: unknown },
  ) {
    super(message, status, options);
  }
}

/**
 * A request would reach the Hub while `HF_HUB_OFFLINE` is set (Python's `OfflineModeIsEnabled`). Downloads
 * fall back to the cache instead; uploads, logins and repo creation cannot, so they stop here.
 */
export class OfflineModeIsEnabled extends HubError {}
