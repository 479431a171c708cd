/**
 * The fake Hub's commit API: applies an NDJSON commit payload to a branch as a new commit, or refuses it
 * the way the Hub does (409 stale parent, 422 unknown LFS object, 404 missing file or branch). With
 * `?create_pr=1` the commit goes to a new `refs/pr/N` ref and the answer names the pull request.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FakeWriteState } from './fake-hub-writes.js';
import { sendError, sendJson } from './fake-http.js';
import { gitBlobSha, type StoredFile, type StoredRepo } from './fake-store.js';

interface CommitLine {
  readonly key: string;
  readonly value: {
    path?: string;
    content?: string;
    encoding?: string;
    oid?: string;
    size?: number;
    summary?: string;
    description?: string;
    parentCommit?: string;
  };
}

export function handleCommit(
  state: FakeWriteState,
  repo: StoredRepo,
  branch: string,
  response: ServerResponse,
  body: Buffer,
  createPr = false,
) {
  const head = repo.commits.get(branch);
  if (head === undefined) {
    sendError(response, 404, 'RevisionNotFound', `Invalid rev id: ${branch}`);
    return;
  }
  let lines: CommitLine[];
  try {
    lines = body
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as CommitLine);
  } catch {
    sendError(response, 400, undefined, 'Invalid NDJSON payload');
    return;
  }
  const header = lines[0];
  if (header?.key !== 'header' || typeof header.value.summary !== 'string' || header.value.summary === '') {
    sendError(response, 400, undefined, 'The first line must be a header with a summary');
    return;
  }
  if (header.value.parentCommit !== undefined && header.value.parentCommit !== head) {
    sendError(
      response,
      409,
      undefined,
      `A commit has happened since. Please refresh and try again (head is ${head}).`,
    );
    return;
  }
  const files = new Map(repo.files.get(head));
  const newBlobs: StoredFile[] = [];
  for (const { key, value } of lines.slice(1)) {
    const path = value.path ?? '';
    if (key === 'file' && value.encoding === 'base64' && typeof value.content === 'string') {
      const bytes = Buffer.from(value.content, 'base64');
      const etag = gitBlobSha(bytes);
      files.set(path, { bytes, lfs: false, etag, announcedEtag: etag });
    } else if (key === 'lfsFile') {
      const bytes = state.uploads.objects.get(value.oid ?? '');
      if (bytes === undefined || bytes.length !== value.size) {
        sendError(
          response,
          422,
          undefined,
          `Your push was rejected because an LFS pointer pointed to a file that does not exist (${path})`,
        );
        return;
      }
      const file = { bytes, lfs: true, etag: value.oid as string, announcedEtag: value.oid as string };
      files.set(path, file);
      newBlobs.push(file);
    } else if (key === 'deletedFile') {
      if (!files.delete(path)) {
        sendError(response, 404, 'EntryNotFound', `${path} does not exist`);
        return;
      }
    } else if (key === 'deletedFolder') {
      for (const name of [...files.keys()])
        if (name.startsWith(`${path.replace(/\/$/, '')}/`)) files.delete(name);
    } else {
      sendError(response, 400, undefined, `Unknown commit line "${key}"`);
      return;
    }
  }
  const oid = createHash('sha1').update(head).update(body).update(String(repo.log.size)).digest('hex');
  repo.files.set(oid, files);
  // A pull request is a new ref `refs/pr/N` holding the commit; the branch itself does not move.
  let pr: number | undefined;
  if (createPr) {
    pr = 1;
    while (repo.commits.has(`refs/pr/${pr}`)) pr += 1;
  }
  repo.commits.set(pr === undefined ? branch : `refs/pr/${pr}`, oid);
  repo.commits.set(oid, oid);
  repo.log.set(oid, {
    oid,
    summary: header.value.summary,
    description: header.value.description ?? '',
    parent: head,
  });
  for (const blob of newBlobs) state.blobsBySha.set(blob.etag, blob);
  const prefix = repo.spec.repoType === 'dataset' ? 'datasets/' : '';
  const repoUrl = `${state.hubOrigin}/${prefix}${repo.spec.repoId}`;
  sendJson(response, {
    success: true,
    commitOid: oid,
    commitUrl: `${repoUrl}/commit/${oid}`,
    ...(pr === undefined ? {} : { pullRequestUrl: `${repoUrl}/discussions/${pr}` }),
  });
}
