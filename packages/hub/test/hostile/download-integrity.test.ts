import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import {
  HubHttpError,
  HubIntegrityError,
  HubResponseError,
  listRepoFiles,
  resolveFile,
} from '../../src/index.js';
import { repoWithWeights, streamEndlessly, tempDir, useFakeHub, WEIGHTS } from './helpers.js';

// Varied bytes, so a misplaced or corrupted range cannot look right by accident.
const TEXT = Buffer.from(Array.from({ length: 4096 }, (_, i) => 97 + ((i * 7) % 26)));
const WEIGHTS_SHA256 = createHash('sha256').update(WEIGHTS).digest('hex');

const fake = useFakeHub([
  repoWithWeights('org/m', { 'vocab.txt': TEXT, 'dot.txt': { content: 'x', etag: '.' } }),
]);
afterEach(() => {
  fake.hub.failNext('vocab.txt', 0);
  fake.hub.failNext('model.safetensors', 0);
});

const { read } = fake;

it('a resumed download whose 206 Content-Range starts at the wrong byte is not appended; it restarts from 0', async () => {
  // 1st GET: half the body, then closed. 2nd GET (Range: bytes=2048-): 206 "bytes 0-2047/4096".
  fake.hub.failNext('vocab.txt', 2, 'misplaced-range');
  expect(await fake.downloadRanges('org/m', 'vocab.txt', TEXT)).toEqual([
    undefined,
    'bytes=2048-',
    undefined,
  ]);
});

it('a resume answered 416 (Range Not Satisfiable) restarts from byte 0 instead of failing', async () => {
  fake.hub.failNext('model.safetensors', 1, 'truncate');
  let refused = 0;
  fake.hub.setInterceptor((request, response, server) => {
    if (server !== 'cdn' || request.headers.range === undefined || refused > 0) return false;
    refused += 1;
    response.writeHead(416, { 'content-range': `bytes */${WEIGHTS.length}` }).end();
    return true;
  });
  expect(await fake.downloadRanges('org/m', 'model.safetensors', WEIGHTS)).toEqual([
    undefined,
    `bytes=${WEIGHTS.length / 2}-`,
    undefined,
  ]);
});

it('a download whose Content-Length exceeds the size the Hub announced is not written past that size', async () => {
  const cacheDir = tempDir();
  const senders: (() => number)[] = [];
  fake.hub.setInterceptor((request, response, server) => {
    if (server !== 'cdn' || request.method !== 'GET') return false;
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(2 ** 30),
    });
    senders.push(streamEndlessly(request, response, Buffer.alloc(1024 * 1024, 1), 128 * 1024 * 1024));
    return true;
  });
  const error = await resolveFile('org/m', 'model.safetensors', read(cacheDir)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HubHttpError);
  expect((error as Error).message).toMatch(/announced a file of 1073741824 bytes, but the Hub said 65536/);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(senders).toHaveLength(3);
  const sent = senders.reduce((sum, sentBytes) => sum + sentBytes(), 0);
  expect(sent).toBeLessThan(48 * 1024 * 1024);
  expect(readdirSync(join(cacheDir, 'models--org--m', 'blobs'))).toEqual([]);
});

it('an LFS blob whose bytes do not match its sha256 ETag is refused and its .incomplete file removed', async () => {
  const cacheDir = tempDir();
  fake.hub.failNext('model.safetensors', 1, 'corrupt');
  const error = await resolveFile('org/m', 'model.safetensors', read(cacheDir)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HubIntegrityError);
  const integrity = error as HubIntegrityError;
  expect(integrity.expectedSha256).toBe(WEIGHTS_SHA256);
  expect(integrity.actualSha256).toMatch(/^[0-9a-f]{64}$/);
  expect(integrity.actualSha256).not.toBe(WEIGHTS_SHA256);
  expect(integrity.message).toContain('"model.safetensors"');
  const repoDir = join(cacheDir, 'models--org--m');
  expect(readdirSync(join(repoDir, 'blobs'))).toEqual([]);
  expect(existsSync(join(repoDir, 'snapshots'))).toBe(false);
});

it('an ETag of "." never becomes a path (blobs/ stays a folder) and gets a typed error', async () => {
  const cacheDir = tempDir();
  const error = await resolveFile('org/m', 'dot.txt', read(cacheDir)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HubResponseError);
  expect((error as Error).message).toMatch(/usable ETag for "dot\.txt".*got "\."/);
  // Refused at the metadata step: nothing at all was written for the repo (before, blobs/ became a file).
  expect(existsSync(join(cacheDir, 'models--org--m'))).toBe(false);
  // The same holds for the other names that are not blob names.
  for (const etag of ['..', 'a/b', 'x.incomplete', '.hidden', 'a b', 'x'.repeat(200)]) {
    fake.hub.setInterceptor((request, response) => {
      if (!request.url?.includes('/resolve/')) return false;
      response
        .writeHead(200, {
          etag: `"${etag}"`,
          'x-repo-commit': fake.hub.commitOf('org/m'),
          'content-length': '1',
        })
        .end(request.method === 'HEAD' ? undefined : 'x');
      return true;
    });
    await expect(resolveFile('org/m', 'dot.txt', read(cacheDir))).rejects.toThrow(HubResponseError);
  }
  expect(existsSync(join(cacheDir, 'models--org--m'))).toBe(false);
});

it('a revision API "sha" that is not a 40-hex commit is refused and never written to refs/', async () => {
  const cacheDir = tempDir();
  fake.hub.setInterceptor((request, response) => {
    if (!request.url?.startsWith('/api/models/org/m/revision/')) return false;
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ sha: '../../../../tmp/evil', siblings: [{ rfilename: 'a.txt' }] }));
    return true;
  });
  const error = await listRepoFiles('org/m', read(cacheDir)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HubResponseError);
  expect((error as Error).message).toMatch(/"sha": "\.\.\/\.\.\/\.\.\/\.\.\/tmp\/evil".*not a 40-hex commit/);
  expect(existsSync(join(cacheDir, 'models--org--m', 'refs', 'main'))).toBe(false);
});

it('an orphaned blobs/*.incomplete of a killed download is removed at the next download; a fresh one is kept', async () => {
  const cacheDir = tempDir();
  const blobs = join(cacheDir, 'models--org--m', 'blobs');
  mkdirSync(blobs, { recursive: true });
  const orphan = join(blobs, `${WEIGHTS_SHA256}.0123456789ab.incomplete`);
  const live = join(blobs, `${WEIGHTS_SHA256}.ba9876543210.incomplete`);
  writeFileSync(orphan, WEIGHTS.subarray(0, 1000));
  writeFileSync(live, WEIGHTS.subarray(0, 1000));
  const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
  utimesSync(orphan, twoHoursAgo, twoHoursAgo);
  const path = await resolveFile('org/m', 'model.safetensors', read(cacheDir));
  expect(Buffer.compare(readFileSync(path), WEIGHTS)).toBe(0);
  expect(readdirSync(blobs).sort()).toEqual([WEIGHTS_SHA256, `${WEIGHTS_SHA256}.ba9876543210.incomplete`]);
});
