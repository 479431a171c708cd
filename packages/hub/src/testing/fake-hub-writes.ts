/**
 * The write side of the fake Hub, answering as huggingface.co does (wire format of huggingface_hub's
 * `hf_api.py`, `_commit_api.py` and `lfs.py`):
 *
 * - `GET /api/whoami-v2`; `POST /api/repos/create` (409 when it exists); `POST /api/{type}s/{repo}/branch/{b}`.
 * - `POST /api/{type}s/{repo}/preupload/{rev}`: `uploadMode` `lfs` for files of `lfsThresholdBytes` or
 *   more, or with an extension the Hub's default `.gitattributes` sends to LFS.
 * - `POST /{datasets/}{repo}.git/info/lfs/objects/batch`: basic transfer (one PUT to the storage origin) or,
 *   from `multipartThresholdBytes`, multipart (`chunk_size` and one URL per part, then a completion POST to
 *   the Hub); a verify action; no actions for an object already stored.
 * - `POST /api/{type}s/{repo}/commit/{rev}`: NDJSON (`header`, `file` base64, `lfsFile`, `deletedFile`,
 *   `deletedFolder`); 413 above `maxCommitBytes`; 409 when `parentCommit` is not the head; 422 when an
 *   `lfsFile` names an object that was never uploaded. A commit becomes a new revision that the read
 *   routes serve, so downloads through the normal cache path see it.
 *
 * Writes need a user's token (401 without or with an unknown one; 403 for a read token or a namespace that
 * is not the user's or one of their orgs).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type FakeUploadStore,
  handleLfsBatch,
  handleLfsComplete,
  handleLfsStoragePut,
  handleLfsVerify,
} from './fake-lfs.js';
import { handleCommit } from './fake-commit.js';
import { readBody, sendError, sendJson } from './fake-http.js';
import { type FakeRepo, type StoredFile, type StoredRepo, store } from './fake-store.js';

/** A user of the fake Hub, known by their token. */
export interface FakeUser {
  readonly token: string;
  readonly name: string;
  readonly orgs?: readonly string[];
  /** `'write'` (default) or `'read'`: a read token gets 403 on every write. */
  readonly role?: 'read' | 'write';
}

/** Limits and thresholds of the fake Hub's write side. */
export interface FakeHubWriteOptions {
  readonly users?: readonly FakeUser[];
  /** Files from this size go to LFS (default 10 MiB, the Hub's rule). */
  readonly lfsThresholdBytes?: number;
  /** LFS objects from this size use the multipart transfer (default 20 MiB). */
  readonly multipartThresholdBytes?: number;
  /** Part size of multipart transfers (default 8 MiB). */
  readonly multipartChunkBytes?: number;
  /** Commit payloads above this many bytes get 413 (default 64 MiB). */
  readonly maxCommitBytes?: number;
}

/** What the write routes share with the read routes. */
export interface FakeWriteState {
  readonly stored: Map<string, StoredRepo>;
  readonly blobsBySha: Map<string, StoredFile>;
  readonly users: Map<string, FakeUser>;
  readonly options: Required<Omit<FakeHubWriteOptions, 'users'>>;
  readonly uploads: FakeUploadStore;
  hubOrigin: string;
  cdnOrigin: string;
}

/** Extensions the Hub's default `.gitattributes` tracks with LFS (a subset). */
const LFS_EXTENSIONS =
  /\.(?:safetensors|bin|pt|pth|ckpt|h5|onnx|msgpack|parquet|arrow|npy|npz|pkl|zip|gz|tar|tflite|model)$/;
const GITATTRIBUTES = `${[
  '*.safetensors',
  '*.bin',
  '*.pt',
  '*.h5',
  '*.onnx',
  '*.msgpack',
  '*.parquet',
  '*.arrow',
  '*.zip',
]
  .map((pattern) => `${pattern} filter=lfs diff=lfs merge=lfs -text`)
  .join('\n')}\n`;

export function writeStateOptions(options: FakeHubWriteOptions): FakeWriteState['options'] {
  return {
    lfsThresholdBytes: options.lfsThresholdBytes ?? 10 * 1024 * 1024,
    multipartThresholdBytes: options.multipartThresholdBytes ?? 20 * 1024 * 1024,
    multipartChunkBytes: options.multipartChunkBytes ?? 8 * 1024 * 1024,
    maxCommitBytes: options.maxCommitBytes ?? 64 * 1024 * 1024,
  };
}

/** The user behind the request's token, or undefined after answering 401/403. */
export function authorizeWrite(
  state: FakeWriteState,
  request: IncomingMessage,
  response: ServerResponse,
  namespace?: string,
): FakeUser | undefined {
  const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  const user = token === undefined ? undefined : state.users.get(token);
  if (user === undefined) {
    sendError(response, 401, undefined, 'Invalid credentials in Authorization header');
    return undefined;
  }
  if (user.role === 'read') {
    sendError(
      response,
      403,
      undefined,
      'You have read access but not the required permissions for this operation.',
    );
    return undefined;
  }
  if (namespace !== undefined && namespace !== user.name && !(user.orgs ?? []).includes(namespace)) {
    sendError(
      response,
      403,
      undefined,
      `You don't have the rights to write to the "${namespace}" namespace.`,
    );
    return undefined;
  }
  return user;
}

/** The repo a write names, or undefined after answering 401/403/404. */
export function writableRepo(
  state: FakeWriteState,
  request: IncomingMessage,
  response: ServerResponse,
  type: string,
  repoId: string,
): StoredRepo | undefined {
  const user = authorizeWrite(state, request, response);
  if (user === undefined) return undefined;
  const repo = state.stored.get(`${type}:${repoId}`);
  if (repo === undefined || (repo.spec.token !== undefined && !canSeePrivate(user, repo.spec))) {
    sendError(response, 404, 'RepoNotFound', 'Repository not found');
    return undefined;
  }
  return authorizeWrite(state, request, response, repoId.split('/')[0]) ? repo : undefined;
}

function canSeePrivate(user: FakeUser, spec: FakeRepo): boolean {
  const namespace = spec.repoId.split('/')[0];
  return user.token === spec.token || namespace === user.name || (user.orgs ?? []).includes(namespace ?? '');
}

function handleCreateRepo(
  state: FakeWriteState,
  request: IncomingMessage,
  response: ServerResponse,
  body: Buffer,
) {
  const user = authorizeWrite(state, request, response);
  if (user === undefined) return;
  const payload = JSON.parse(body.toString('utf8')) as {
    name?: string;
    organization?: string | null;
    private?: boolean;
    type?: string;
  };
  const type = payload.type ?? 'model';
  if (typeof payload.name !== 'string' || (type !== 'model' && type !== 'dataset')) {
    sendError(response, 400, undefined, 'Invalid repo name or type');
    return;
  }
  const namespace = payload.organization ?? user.name;
  if (!authorizeWrite(state, request, response, namespace)) return;
  const repoId = `${namespace}/${payload.name}`;
  const url = `${state.hubOrigin}/${type === 'dataset' ? 'datasets/' : ''}${repoId}`;
  if (state.stored.has(`${type}:${repoId}`)) {
    response.writeHead(409, {
      'content-type': 'application/json',
      'x-error-message': 'You already created this repo',
    });
    response.end(JSON.stringify({ error: 'You already created this repo', url }));
    return;
  }
  const spec: FakeRepo = {
    repoId,
    repoType: type,
    revisions: { main: { '.gitattributes': GITATTRIBUTES } },
    ...(payload.private === true ? { token: user.token } : {}),
  };
  state.stored.set(`${type}:${repoId}`, store(spec));
  sendJson(response, { url, name: repoId, id: createHash('sha1').update(repoId).digest('hex').slice(0, 24) });
}

function handleBranch(repo: StoredRepo, branch: string, response: ServerResponse, body: Buffer) {
  if (repo.commits.has(branch)) {
    sendError(response, 409, undefined, `Reference already exists: refs/heads/${branch}`);
    return;
  }
  const text = body.toString('utf8');
  const start = (text === '' ? {} : JSON.parse(text)) as { startingPoint?: string };
  const commit = repo.commits.get(start.startingPoint ?? 'main');
  if (commit === undefined) {
    sendError(response, 404, 'RevisionNotFound', `Invalid rev id: ${start.startingPoint}`);
    return;
  }
  repo.commits.set(branch, commit);
  sendJson(response, {});
}

function handlePreupload(
  state: FakeWriteState,
  repo: StoredRepo,
  revision: string,
  response: ServerResponse,
  body: Buffer,
) {
  const existing = repo.files.get(repo.commits.get(revision) ?? '');
  const payload = JSON.parse(body.toString('utf8')) as {
    files?: { path: string; size: number; sample: string }[];
  };
  const files = (payload.files ?? []).map((file) => {
    const sample = Buffer.from(file.sample ?? '', 'base64');
    const binary = sample.includes(0);
    const lfs = file.size >= state.options.lfsThresholdBytes || LFS_EXTENSIONS.test(file.path) || binary;
    // The id of what is already there, so clients can skip unchanged files.
    const oid = existing?.get(file.path)?.etag;
    return {
      path: file.path,
      uploadMode: lfs ? 'lfs' : 'regular',
      shouldIgnore: false,
      ...(oid ? { oid } : {}),
    };
  });
  sendJson(response, { files });
}

/**
 * Answers the request when it is a write route of `server`; returns false when the read routes should.
 * Async work (reading bodies) continues after it returns true.
 */
export function handleWriteRoute(
  state: FakeWriteState,
  request: IncomingMessage,
  response: ServerResponse,
  server: 'hub' | 'cdn',
): boolean {
  const url = new URL(request.url ?? '/', 'http://x');
  const method = request.method ?? 'GET';
  if (server === 'cdn') {
    if (method !== 'PUT' || !url.pathname.startsWith('/__lfs/')) return false;
    void handleLfsStoragePut(state, request, response, url);
    return true;
  }
  if (method === 'GET' && url.pathname === '/api/whoami-v2') {
    const user = authorizeWrite(state, request, response);
    if (user)
      sendJson(response, {
        type: 'user',
        name: user.name,
        fullname: user.name,
        orgs: (user.orgs ?? []).map((name) => ({ name, type: 'org' })),
        auth: { accessToken: { displayName: 'fake', role: user.role ?? 'write' } },
      });
    return true;
  }
  if (method !== 'POST') return false;
  const segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
  const respond = (work: (body: Buffer) => void, limit = 16 * 1024 * 1024) => {
    void readBody(request, response, limit).then((body) => {
      if (body === undefined) return;
      try {
        work(body);
      } catch (error) {
        if (!response.headersSent) sendError(response, 400, undefined, `Bad request: ${String(error)}`);
      }
    });
    return true;
  };
  if (url.pathname === '/api/repos/create')
    return respond((body) => handleCreateRepo(state, request, response, body));
  if (segments[0] === '__lfs' && segments[1] === 'complete')
    return respond((body) => handleLfsComplete(state, response, body));
  const lfs = /^\/(datasets\/)?([^/]+\/[^/]+)\.git\/info\/lfs\/objects\/(batch|verify)$/.exec(url.pathname);
  if (lfs) {
    const repo = writableRepo(
      state,
      request,
      response,
      lfs[1] ? 'dataset' : 'model',
      decodeURIComponent(lfs[2] ?? ''),
    );
    if (!repo) return true;
    return respond((body) =>
      lfs[3] === 'batch'
        ? handleLfsBatch(
            state,
            response,
            body,
            `${state.hubOrigin}${url.pathname.replace(/batch$/, 'verify')}`,
          )
        : handleLfsVerify(state, response, body),
    );
  }
  const [api, kind, org, name, action, revision] = segments;
  if (api !== 'api' || (kind !== 'models' && kind !== 'datasets') || revision === undefined) return false;
  if (action !== 'preupload' && action !== 'commit' && action !== 'branch') return false;
  const repo = writableRepo(
    state,
    request,
    response,
    kind === 'datasets' ? 'dataset' : 'model',
    `${org}/${name}`,
  );
  if (!repo) return true;
  if (action === 'branch') return respond((body) => handleBranch(repo, revision, response, body));
  if (action === 'preupload') {
    if (!repo.commits.has(revision)) {
      sendError(response, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
      return true;
    }
    return respond((body) => handlePreupload(state, repo, revision, response, body));
  }
  return respond(
    (body) => handleCommit(state, repo, revision, response, body, url.searchParams.get('create_pr') === '1'),
    state.options.maxCommitBytes,
  );
}
