/**
 * A small HTTP server that answers like the Hugging Face Hub, for tests of code that downloads from the
 * Hub (this package, @ner/datasets, @ner/models) without touching the internet. It listens on 127.0.0.1
 * only, on a free port, and serves in-memory repos:
 *
 * - `HEAD|GET /{datasets/}{repo}/resolve/{rev}/{path}`: regular files answer 200 with `ETag` (git sha1) and
 *   `X-Repo-Commit`; LFS files answer 302 to a second "CDN" server (another origin) with `X-Linked-Etag`
 *   (sha256) and `X-Linked-Size`; errors carry `X-Error-Code` (`RepoNotFound`, `RevisionNotFound`,
 *   `EntryNotFound`, `GatedRepo`) as the Hub does; private repos answer 401 without the right token;
 *   renamed repos answer a relative 307.
 * - `GET /api/{models|datasets}/{repo}/revision/{rev}` and `/api/.../tree/{rev}/{path}` (paginated).
 * - Fault injection: `failNext(path, n, kind)` makes the next `n` downloads of a file fail (truncated body,
 *   503, reset, a body that stalls, a corrupted byte, a 206 for the wrong range); `FakeFile.etag` serves a
 *   hostile ETag; `setInterceptor` lets a test answer any request itself (lying headers, endless bodies).
 *   Every request is logged in `requests`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type FakeHubWriteOptions,
  type FakeWriteState,
  handleWriteRoute,
  writeStateOptions,
} from './fake-hub-writes.js';
import { createUploadStore } from './fake-lfs.js';
import {
  type FakeCommit,
  type FakeRepo,
  gitBlobSha,
  type StoredFile,
  type StoredRepo,
  store,
  treeEntries,
} from './fake-store.js';

export type { FakeHubWriteOptions, FakeUser } from './fake-hub-writes.js';
export type { FakeCommit, FakeFile, FakeRepo } from './fake-store.js';

/** One request the fake Hub received. */
export interface FakeRequest {
  readonly method: string;
  readonly url: string;
  readonly server: 'hub' | 'cdn';
  readonly authorization: string | undefined;
  readonly range: string | undefined;
}

/**
 * How an injected failure looks: `truncate` sends half the body and closes; `status-503`; `reset` drops
 * the connection; `stall` sends half the body and then nothing, keeping the connection open; `corrupt`
 * sends the full length with one byte changed; `misplaced-range` answers a `Range` request with a 206 of
 * the right length taken from byte 0 (and truncates a request without `Range`, so a resume follows).
 */
export type FakeFailure = 'truncate' | 'status-503' | 'reset' | 'stall' | 'corrupt' | 'misplaced-range';

/**
 * Sees every request before the fake Hub does; returns true when it answered the request itself.
 * `server` says which of the two servers (Hub or CDN) received it.
 */
export type FakeInterceptor = (
  request: IncomingMessage,
  response: ServerResponse,
  server: 'hub' | 'cdn',
) => boolean;

/** A running fake Hub; `close()` stops both servers. */
export interface FakeHub {
  /** `http://127.0.0.1:PORT`, to use as `endpoint` / `HF_ENDPOINT`. */
  readonly endpoint: string;
  /** Every request received, in order. */
  readonly requests: FakeRequest[];
  /** Commit hash of `revision` of a repo. */
  commitOf(repoId: string, revision?: string, repoType?: 'model' | 'dataset'): string;
  /** Makes the next `times` body downloads of `filename` (any repo) fail as `kind`. */
  failNext(filename: string, times: number, kind?: FakeFailure): void;
  /** Tree pages hold at most this many entries (default 1000). */
  setTreePageSize(size: number): void;
  /** Installs (or with `undefined` removes) a hook that may answer requests instead of the fake Hub. */
  setInterceptor(interceptor: FakeInterceptor | undefined): void;
  /** The next `times` LFS storage PUTs (whole objects or parts) drop the connection after half their body. */
  failNextUpload(times: number): void;
  /** Commits made through the commit API on `revision`'s history, newest first. */
  commitHistory(repoId: string, revision?: string, repoType?: 'model' | 'dataset'): FakeCommit[];
  /** The bytes of `path` at `revision`, or undefined when the repo, revision or file does not exist. */
  fileAt(repoId: string, path: string, revision?: string, repoType?: 'model' | 'dataset'): Buffer | undefined;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Starts a fake Hub serving `repos`. */
/**
 * Starts a fake Hub serving `repos`; `options` adds users (tokens) who may write and tunes the write side's
 * thresholds (see `FakeHubWriteOptions`).
 */
export async function startFakeHub(
  repos: readonly FakeRepo[],
  options: FakeHubWriteOptions = {},
): Promise<FakeHub> {
  const stored = new Map<string, StoredRepo>();
  const renamed = new Map<string, string>();
  for (const spec of repos) {
    const type = spec.repoType ?? 'model';
    stored.set(`${type}:${spec.repoId}`, store(spec));
    if (spec.renamedFrom) renamed.set(`${type}:${spec.renamedFrom}`, spec.repoId);
  }
  const requests: FakeRequest[] = [];
  const failures = new Map<string, { times: number; kind: FakeFailure }>();
  const blobsBySha = new Map<string, StoredFile>();
  for (const repo of stored.values()) {
    for (const byPath of repo.files.values())
      for (const file of byPath.values()) blobsBySha.set(file.etag, file);
  }
  let treePageSize = 1000;
  let interceptor: FakeInterceptor | undefined;

  const log = (request: IncomingMessage, server: 'hub' | 'cdn') =>
    requests.push({
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      server,
      authorization: request.headers.authorization,
      range: request.headers.range,
    });

  /** Sends a file body honouring Range and any injected failure. */
  const sendBody = (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    file: StoredFile,
    headers: Record<string, string>,
  ) => {
    const failure = failures.get(path);
    const injected =
      request.method === 'GET' && failure !== undefined && failure.times > 0 ? failure.kind : undefined;
    if (injected && failure) failure.times -= 1;
    if (injected === 'status-503') {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    if (injected === 'reset') {
      request.socket.destroy();
      return;
    }
    let start = 0;
    const range = request.headers.range ? /^bytes=(\d+)-$/.exec(request.headers.range) : null;
    if (range && request.method === 'GET') start = Math.min(Number(range[1]), file.bytes.length);
    const size = file.bytes.length;
    let body = file.bytes.subarray(start);
    const status = start > 0 ? 206 : 200;
    const extra: Record<string, string> = { 'accept-ranges': 'bytes', 'content-length': String(body.length) };
    if (start > 0) extra['content-range'] = `bytes ${start}-${size - 1}/${size}`;
    if (injected === 'misplaced-range' && start > 0) {
      // The right number of bytes, but from the start of the file, and a Content-Range that says so.
      body = file.bytes.subarray(0, size - start);
      extra['content-range'] = `bytes 0-${size - start - 1}/${size}`;
    }
    if (injected === 'corrupt') {
      body = Buffer.from(body);
      body[body.length >> 1] = (body[body.length >> 1] ?? 0) ^ 0xff;
    }
    response.writeHead(status, { ...headers, ...extra });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    if (injected === 'stall') {
      // Half the body, then silence with the connection open (close() ends it).
      response.write(body.subarray(0, Math.floor(body.length / 2)));
      return;
    }
    if (injected === 'truncate' || (injected === 'misplaced-range' && start === 0)) {
      // Announce the full length, send half, then drop the connection.
      // Close a moment after the half was sent: a client's stream drops chunks it has not read yet when
      // it errors, and the test wants to see a resume from exactly half.
      response.write(body.subarray(0, Math.floor(body.length / 2)), () => {
        setTimeout(() => request.socket.end(), 50);
      });
      return;
    }
    response.end(body);
  };

  const writes: FakeWriteState = {
    stored,
    blobsBySha,
    users: new Map((options.users ?? []).map((user) => [user.token, user])),
    options: writeStateOptions(options),
    uploads: createUploadStore(),
    hubOrigin: '',
    cdnOrigin: '',
  };

  const cdn = createServer((request, response) => {
    log(request, 'cdn');
    if (interceptor?.(request, response, 'cdn')) return;
    if (handleWriteRoute(writes, request, response, 'cdn')) return;
    const sha = /^\/blob\/([0-9a-f]{64})(?:\?.*)?$/.exec(request.url ?? '')?.[1];
    const file = sha ? blobsBySha.get(sha) : undefined;
    if (!file || !sha) {
      response.writeHead(404).end();
      return;
    }
    const path = new URL(request.url ?? '/', 'http://x').searchParams.get('name') ?? sha;
    sendBody(request, response, path, file, { 'content-type': 'application/octet-stream' });
  });
  const cdnOrigin = await listen(cdn);

  const hub = createServer((request, response) => {
    log(request, 'hub');
    try {
      if (interceptor?.(request, response, 'hub')) return;
      if (handleWriteRoute(writes, request, response, 'hub')) return;
      route(request, response);
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  });

  const errorOut = (
    response: ServerResponse,
    status: number,
    code: string | undefined,
    message: string,
    extra: Record<string, string> = {},
  ) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-error-message': message,
      ...extra,
    };
    if (code) headers['x-error-code'] = code;
    response.writeHead(status, headers).end(JSON.stringify({ error: message }));
  };

  /** Finds the repo and checks access; answers the error and returns undefined when it fails. */
  const findRepo = (response: ServerResponse, request: IncomingMessage, type: string, repoId: string) => {
    const repo = stored.get(`${type}:${repoId}`);
    const auth = request.headers.authorization;
    if (!repo) {
      errorOut(response, auth ? 404 : 401, 'RepoNotFound', 'Repository not found');
      return undefined;
    }
    if (repo.spec.token !== undefined && auth !== `Bearer ${repo.spec.token}`) {
      if (repo.spec.gated) errorOut(response, 403, 'GatedRepo', 'Access to this repo is restricted.');
      else if (auth) errorOut(response, 401, undefined, 'Invalid credentials in Authorization header');
      else errorOut(response, 401, 'RepoNotFound', 'Repository not found');
      return undefined;
    }
    return repo;
  };

  const route = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
    if (segments[0] === 'api') {
      const [, kind, org, name, action, revision, ...rest] = segments;
      const type = kind === 'datasets' ? 'dataset' : 'model';
      const repo = findRepo(response, request, type, `${org}/${name}`);
      if (!repo) return;
      const commit = revision === undefined ? undefined : repo.commits.get(revision);
      if (!commit) {
        errorOut(response, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
        return;
      }
      const files = repo.files.get(commit) as Map<string, StoredFile>;
      if (action === 'revision') {
        const siblings = [...files.keys()].map((rfilename) => ({ rfilename }));
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id: repo.spec.repoId, sha: commit, siblings }));
        return;
      }
      if (action === 'tree') {
        const prefix = rest.join('/');
        const recursive = url.searchParams.get('recursive') === 'true';
        const entries = treeEntries(files, prefix, recursive);
        const cursor = Number(url.searchParams.get('cursor') ?? 0);
        const page = entries.slice(cursor, cursor + treePageSize);
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (cursor + treePageSize < entries.length) {
          const next = new URL(request.url ?? '/', 'http://127.0.0.1');
          next.searchParams.set('cursor', String(cursor + treePageSize));
          headers.link = `<${next.pathname}${next.search}>; rel="next"`;
        }
        response.writeHead(200, headers).end(JSON.stringify(page));
        return;
      }
      response.writeHead(404).end();
      return;
    }
    const isDataset = segments[0] === 'datasets';
    const parts = isDataset ? segments.slice(1) : segments;
    const resolveAt = parts.indexOf('resolve');
    if (resolveAt < 1) {
      response.writeHead(404).end();
      return;
    }
    const type = isDataset ? 'dataset' : 'model';
    const repoId = parts.slice(0, resolveAt).join('/');
    const target = renamed.get(`${type}:${repoId}`);
    if (target) {
      const rest = (request.url ?? '').split('/resolve/')[1];
      response
        .writeHead(307, { location: `/${isDataset ? 'datasets/' : ''}${target}/resolve/${rest}` })
        .end();
      return;
    }
    const revision = parts[resolveAt + 1] ?? '';
    const path = parts.slice(resolveAt + 2).join('/');
    const repo = findRepo(response, request, type, repoId);
    if (!repo) return;
    const commit = repo.commits.get(revision);
    if (!commit) {
      errorOut(response, 404, 'RevisionNotFound', `Invalid rev id: ${revision}`);
      return;
    }
    const file = repo.files.get(commit)?.get(path);
    if (!file) {
      errorOut(response, 404, 'EntryNotFound', `${path} does not exist on "${revision}"`, {
        'x-repo-commit': commit,
      });
      return;
    }
    if (file.lfs) {
      response.writeHead(302, {
        location: `${cdnOrigin}/blob/${file.etag}?name=${encodeURIComponent(path)}`,
        'x-repo-commit': commit,
        'x-linked-etag': `"${file.announcedEtag}"`,
        'x-linked-size': String(file.bytes.length),
        etag: `"${gitBlobSha(Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${file.etag}\n`))}"`,
      });
      response.end();
      return;
    }
    sendBody(request, response, path, file, {
      'content-type': 'application/octet-stream',
      etag: `"${file.announcedEtag}"`,
      'x-repo-commit': commit,
    });
  };

  const endpoint = await listen(hub);
  writes.hubOrigin = endpoint;
  writes.cdnOrigin = cdnOrigin;
  const repoAt = (repoId: string, repoType: string) => stored.get(`${repoType}:${repoId}`);
  return {
    endpoint,
    requests,
    commitOf(repoId, revision = 'main', repoType = 'model') {
      const commit = stored.get(`${repoType}:${repoId}`)?.commits.get(revision);
      if (!commit) throw new Error(`fake hub has no ${repoType} ${repoId}@${revision}`);
      return commit;
    },
    failNext(filename, times, kind = 'truncate') {
      failures.set(filename, { times, kind });
    },
    setTreePageSize(size) {
      treePageSize = size;
    },
    setInterceptor(hook) {
      interceptor = hook;
    },
    failNextUpload(times) {
      writes.uploads.dropsLeft = times;
    },
    commitHistory(repoId, revision = 'main', repoType = 'model') {
      const repo = repoAt(repoId, repoType);
      const history: FakeCommit[] = [];
      let commit = repo?.commits.get(revision);
      for (let entry = commit && repo?.log.get(commit); entry; entry = commit && repo?.log.get(commit)) {
        history.push(entry);
        commit = entry.parent;
      }
      return history;
    },
    fileAt(repoId, path, revision = 'main', repoType = 'model') {
      const repo = repoAt(repoId, repoType);
      const commit = repo?.commits.get(revision);
      return commit === undefined ? undefined : repo?.files.get(commit)?.get(path)?.bytes;
    },
    async close() {
      hub.closeAllConnections();
      cdn.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => hub.close(() => resolve())),
        new Promise<void>((resolve) => cdn.close(() => resolve())),
      ]);
    },
  };
}
