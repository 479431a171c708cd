// Uploads against a Hub that rate-limits, fails, lies or redirects: each case ends in a typed error that
// names what went wrong (or in a retried success), and never in a commit made from partial data.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import {
  createCommit,
  createRepo,
  HubHttpError,
  HubPayloadTooLargeError,
  HubResponseError,
  HubUploadError,
  HubValidationError,
  uploadFile,
  uploadFolder,
} from '../../src/index.js';
import { FAST_RETRY, startRecordingServer, tempDir, useFakeHub } from './helpers.js';

const TOKEN = 'hf_dave_write';

const fake = useFakeHub(
  [],
  { users: [{ token: TOKEN, name: 'dave' }], maxCommitBytes: 4096 },
  { token: TOKEN, setUp: ({ write }) => createRepo('dave/repo', write()) },
);
const { write } = fake;

/** Answers the first `times` requests whose URL contains `fragment` with `status` and `body`. */
function answerFirst(fragment: string, times: number, status: number, body: string, headers = {}) {
  let left = times;
  fake.hub.setInterceptor((request: IncomingMessage, response: ServerResponse) => {
    if (left === 0 || !(request.url ?? '').includes(fragment)) return false;
    left -= 1;
    request.resume();
    response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
    return true;
  });
}
const count = (fragment: string, from: number) =>
  fake.hub.requests.slice(from).filter((r) => r.url.includes(fragment)).length;

describe('retries', () => {
  it('retries a commit refused with 429, honouring Retry-After', async () => {
    const from = fake.hub.requests.length;
    answerFirst('/commit/', 1, 429, '{"error":"Too many requests"}', { 'retry-after': '0' });
    await uploadFile('dave/repo', 'a.txt', Buffer.from('a'), write());
    expect(count('/commit/', from)).toBe(2);
    expect(fake.hub.fileAt('dave/repo', 'a.txt')?.toString()).toBe('a');
  });
  it('retries the preupload check on 503 and 500', async () => {
    const from = fake.hub.requests.length;
    answerFirst('/preupload/', 2, 503, '{"error":"busy"}');
    await uploadFile('dave/repo', 'b.txt', Buffer.from('b'), write());
    expect(count('/preupload/', from)).toBe(3);
  });
  it('does not send a commit twice after a 500 (it may have been applied)', async () => {
    const from = fake.hub.requests.length;
    answerFirst('/commit/', 1, 500, '{"error":"boom"}');
    const error = await uploadFile('dave/repo', 'c.txt', Buffer.from('c'), write()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubHttpError);
    expect((error as HubHttpError).status).toBe(500);
    expect((error as Error).message).toMatch(/create the commit.*dave\/repo.*boom/);
    expect(count('/commit/', from)).toBe(1);
  });
  it('gives up on 429 after the last attempt with the status in the error', async () => {
    answerFirst('/commit/', FAST_RETRY.attempts, 429, '{"error":"slow down"}', { 'retry-after': '0' });
    const error = await uploadFile('dave/repo', 'd.txt', Buffer.from('d'), write()).catch((e: unknown) => e);
    expect((error as HubHttpError).status).toBe(429);
  });
});

describe('refusals and lies', () => {
  it('is a HubPayloadTooLargeError when the commit payload is too large (413), with no commit', async () => {
    const head = fake.hub.commitOf('dave/repo');
    const text = Buffer.from('x'.repeat(8000));
    await expect(uploadFile('dave/repo', 'big.txt', text, write())).rejects.toThrow(HubPayloadTooLargeError);
    await expect(uploadFile('dave/repo', 'big.txt', text, write())).rejects.toThrow(
      /413.*fewer files per commit/,
    );
    expect(fake.hub.commitOf('dave/repo')).toBe(head);
  });
  it('refuses a batch answer whose part URLs do not cover the file, before sending a byte', async () => {
    const content = Buffer.alloc(5000, 7);
    const oid = createHash('sha256').update(content).digest('hex');
    const actions = {
      upload: {
        href: `${fake.hub.endpoint}/x`,
        header: { chunk_size: '1000', '00001': `${fake.hub.endpoint}/p1` },
      },
    };
    answerFirst('/objects/batch', 1, 200, JSON.stringify({ objects: [{ oid, size: 5000, actions }] }));
    const from = fake.hub.requests.length;
    await expect(uploadFile('dave/repo', 'w.safetensors', content, write())).rejects.toThrow(
      /1 part URLs for 5000 bytes in parts of 1000 \(expected 5\)/,
    );
    expect(fake.hub.requests.slice(from).filter((r) => r.method === 'PUT')).toHaveLength(0);
  });
  it('names the file the LFS batch API refused', async () => {
    const content = Buffer.alloc(300, 1);
    const oid = createHash('sha256').update(content).digest('hex');
    const body = JSON.stringify({
      objects: [{ oid, size: 300, error: { code: 422, message: 'quota exceeded' } }],
    });
    answerFirst('/objects/batch', 1, 200, body);
    const error = await uploadFile('dave/repo', 'q.safetensors', content, write()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubUploadError);
    expect((error as HubUploadError).pathInRepo).toBe('q.safetensors');
    expect((error as Error).message).toMatch(/"q\.safetensors".*quota exceeded/);
  });
  it('aborts a storage PUT that never answers after stallTimeoutMs, retries, then gives up with no commit', async () => {
    const head = fake.hub.commitOf('dave/repo');
    let swallowed = 0;
    fake.hub.setInterceptor((request, _response, server) => {
      if (server !== 'cdn' || request.method !== 'PUT') return false;
      swallowed += 1;
      request.resume(); // take the body, never answer
      return true;
    });
    const started = Date.now();
    const upload = uploadFile(
      'dave/repo',
      'stuck.safetensors',
      Buffer.alloc(2000, 3),
      write({ stallTimeoutMs: 150 }),
    );
    const error = await upload.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubUploadError);
    expect((error as Error).message).toMatch(/no progress for 150 ms/);
    expect(swallowed).toBe(FAST_RETRY.attempts);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(fake.hub.commitOf('dave/repo')).toBe(head);
  });
  it('never sends the token to storage or verify URLs on another origin', async () => {
    const elsewhere = await startRecordingServer();
    try {
      const content = Buffer.alloc(700, 5);
      const oid = createHash('sha256').update(content).digest('hex');
      const actions = {
        upload: { href: `${elsewhere.origin}/put`, header: { 'x-amz-acl': 'private' } },
        verify: { href: `${elsewhere.origin}/verify`, header: {} },
      };
      answerFirst('/objects/batch', 1, 200, JSON.stringify({ objects: [{ oid, size: 700, actions }] }));
      // The fake Hub never stored the object, so the commit itself is refused afterwards (422).
      await expect(uploadFile('dave/repo', 'o.safetensors', content, write())).rejects.toThrow(/422/);
      expect(elsewhere.requests.map((r) => r.url)).toEqual(['/put', '/verify']);
      expect(elsewhere.requests.every((r) => r.authorization === undefined)).toBe(true);
    } finally {
      await elsewhere.close();
    }
  });
  it("stops at once on a storage 403 and quotes the storage server's reason", async () => {
    let puts = 0;
    fake.hub.setInterceptor((request, response, server) => {
      if (server !== 'cdn' || request.method !== 'PUT') return false;
      puts += 1;
      request.resume();
      response
        .writeHead(403, { 'content-type': 'application/xml' })
        .end('<Error><Code>AccessDenied</Code></Error>');
      return true;
    });
    const error = await uploadFile('dave/repo', 'denied.safetensors', Buffer.alloc(900, 1), write()).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HubUploadError);
    expect((error as HubUploadError).status).toBe(403);
    expect((error as Error).message).toMatch(/HTTP 403: <Error><Code>AccessDenied/);
    expect(puts).toBe(1);
  });
  it('does not follow a redirect with a commit', async () => {
    answerFirst('/commit/', 1, 307, '', { location: 'http://127.0.0.1:1/elsewhere' });
    await expect(uploadFile('dave/repo', 'r.txt', Buffer.from('r'), write())).rejects.toThrow(
      HubResponseError,
    );
  });
  it('reports a preupload answer that is not JSON', async () => {
    answerFirst('/preupload/', 1, 200, '<html>maintenance</html>');
    await expect(uploadFile('dave/repo', 'j.txt', Buffer.from('j'), write())).rejects.toThrow(
      /invalid JSON: <html>/,
    );
  });
  it('refuses paths outside the repo, .git and duplicates before any request', async () => {
    const from = fake.hub.requests.length;
    for (const pathInRepo of ['../x', '/abs', '.git/config', 'a//b']) {
      await expect(uploadFile('dave/repo', pathInRepo, Buffer.from('x'), write())).rejects.toThrow(
        HubValidationError,
      );
    }
    const twice = [
      { kind: 'add' as const, pathInRepo: 'a', pathOrBytes: Buffer.from('1') },
      { kind: 'add' as const, pathInRepo: 'a', pathOrBytes: Buffer.from('2') },
    ];
    await expect(createCommit('dave/repo', twice, write({ commitMessage: 'x' }))).rejects.toThrow(
      /added twice/,
    );
    await expect(createCommit('dave/repo', twice, write({ commitMessage: ' ' }))).rejects.toThrow(
      /commitMessage/,
    );
    await expect(uploadFolder('dave/repo', `${tempDir()}/missing`, write())).rejects.toThrow(/not a folder/);
    const one = [{ kind: 'add' as const, pathInRepo: 'a', pathOrBytes: Buffer.from('1') }];
    await expect(
      createCommit('dave/repo', one, write({ commitMessage: 'x', maxConcurrentUploads: 0 })),
    ).rejects.toThrow(/maxConcurrentUploads/);
    await expect(
      createCommit('dave/repo', one, write({ commitMessage: 'x', stallTimeoutMs: -1 })),
    ).rejects.toThrow(/stallTimeoutMs/);
    expect(fake.hub.requests.length).toBe(from);
  });
});
