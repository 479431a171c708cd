// Large files through the LFS batch API: a 50 MB multipart upload that comes back identical through the
// cache, objects the Hub already has are not sent again, and a storage server that drops the connection
// mid-part is retried from that part or, when it keeps failing, ends in a HubUploadError with no commit.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createCommit,
  createRepo,
  HubUploadError,
  listRepoFiles,
  resolveFile,
  uploadFile,
} from '../src/index.js';
import { FAST_RETRY, tempDir, useFakeHub } from './helpers.js';

const TOKEN = 'hf_carol_write';
const CHUNK = 8 * 1024 * 1024;
const BIG = 50 * 1000 * 1000;
const count = (from: number, fragment: string) =>
  fake.hub.requests.slice(from).filter((r) => r.url.includes(fragment)).length;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const fake = useFakeHub(
  [],
  {
    users: [{ token: TOKEN, name: 'carol' }],
    multipartThresholdBytes: 20 * 1024 * 1024,
    multipartChunkBytes: CHUNK,
  },
  { token: TOKEN, setUp: ({ write }) => createRepo('carol/big', write()) },
);
const { write } = fake;

describe('LFS uploads', () => {
  it('sends a 50 MB file in parts, completes it, and downloads identical bytes through the cache', async () => {
    const dir = tempDir();
    const content = randomBytes(BIG);
    const file = join(dir, 'model.safetensors');
    writeFileSync(file, content);
    const from = fake.hub.requests.length;
    const lines: string[] = [];
    await uploadFile(
      'carol/big',
      'model.safetensors',
      file,
      write({ progress: true, log: (line: string) => lines.push(line) }),
    );
    // Plain progress lines (not a TTY bar) name the file and its size, every quarter, then the end.
    expect(lines[0]).toBe('Uploading model.safetensors (47.7 MiB)');
    expect(lines.filter((line) => /^model\.safetensors: (25|50|75)% /.test(line))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/^Uploaded model\.safetensors in \d+\.\d s$/);
    const sent = fake.hub.requests.slice(from);
    const parts = sent.filter((r) => r.method === 'PUT');
    expect(parts).toHaveLength(Math.ceil(BIG / CHUNK));
    expect(parts.every((r) => r.server === 'cdn' && r.authorization === undefined)).toBe(true);
    expect(sent.filter((r) => r.url.startsWith('/__lfs/complete/'))).toHaveLength(1);
    expect(sent.filter((r) => r.url.endsWith('/info/lfs/objects/verify'))).toHaveLength(1);

    const path = await resolveFile('carol/big', 'model.safetensors', {
      endpoint: fake.hub.endpoint,
      cacheDir: tempDir(),
      token: false,
      retry: FAST_RETRY,
      progress: false,
    });
    expect(sha256(readFileSync(path))).toBe(sha256(content));

    // The same content under another name: the batch API says it is stored, so no byte is sent again.
    const again = fake.hub.requests.length;
    await uploadFile('carol/big', 'copy.safetensors', file, write());
    expect(fake.hub.requests.slice(again).filter((r) => r.method === 'PUT')).toHaveLength(0);
    expect(fake.hub.fileAt('carol/big', 'copy.safetensors')?.equals(content)).toBe(true);
  }, 60_000);

  it('retries a part whose connection dropped midway and sends the other parts once', async () => {
    const content = randomBytes(3 * CHUNK + 1234);
    const from = fake.hub.requests.length;
    fake.hub.failNextUpload(1);
    await uploadFile('carol/big', 'resumed.bin', content, write());
    const puts = fake.hub.requests.slice(from).filter((r) => r.method === 'PUT');
    // Part 1 twice (dropped, then whole), parts 2-4 once.
    expect(puts.map((r) => r.url.split('/').pop())).toEqual(['1', '1', '2', '3', '4']);
    expect(fake.hub.fileAt('carol/big', 'resumed.bin')?.equals(content)).toBe(true);
  }, 30_000);

  it('uploads several LFS files at once into a dataset repo (batch URL under datasets/)', async () => {
    await createRepo('carol/data', write({ repoType: 'dataset' }));
    const shards = [0, 1, 2].map((i) => randomBytes(50_000 + i));
    const from = fake.hub.requests.length;
    await createCommit(
      'carol/data',
      shards.map((bytes, i) => ({
        kind: 'add' as const,
        pathInRepo: `data/train-${i}.parquet`,
        pathOrBytes: bytes,
      })),
      write({ repoType: 'dataset', commitMessage: 'shards', maxConcurrentUploads: 2 }),
    );
    expect(count(from, '/datasets/carol/data.git/info/lfs/objects/batch')).toBe(1);
    expect(fake.hub.requests.slice(from).filter((r) => r.method === 'PUT')).toHaveLength(3);
    for (const [i, bytes] of shards.entries()) {
      const path = await resolveFile('carol/data', `data/train-${i}.parquet`, {
        repoType: 'dataset',
        endpoint: fake.hub.endpoint,
        cacheDir: tempDir(),
        token: false,
        retry: FAST_RETRY,
      });
      expect(readFileSync(path).equals(bytes)).toBe(true);
    }
  });

  it('retries a dropped basic transfer', async () => {
    const content = randomBytes(100_000);
    fake.hub.failNextUpload(1);
    await uploadFile('carol/big', 'small.safetensors', content, write());
    expect(fake.hub.fileAt('carol/big', 'small.safetensors')?.equals(content)).toBe(true);
  });

  it('fails cleanly with HubUploadError and no commit when storage keeps dropping the connection', async () => {
    const before = fake.hub.commitHistory('carol/big').length;
    const head = fake.hub.commitOf('carol/big');
    fake.hub.failNextUpload(FAST_RETRY.attempts);
    const upload = uploadFile('carol/big', 'doomed.bin', randomBytes(CHUNK + 10), write());
    const error = await upload.catch((caught: unknown) => caught);
    fake.hub.failNextUpload(0);
    expect(error).toBeInstanceOf(HubUploadError);
    expect((error as HubUploadError).pathInRepo).toBe('doomed.bin');
    expect((error as HubUploadError).status).toBe(0);
    expect((error as Error).message).toMatch(/the content of "doomed\.bin".*Nothing was committed/);
    expect(fake.hub.commitOf('carol/big')).toBe(head);
    expect(fake.hub.commitHistory('carol/big')).toHaveLength(before);
    const listing = await listRepoFiles('carol/big', {
      endpoint: fake.hub.endpoint,
      token: false,
      cacheDir: tempDir(),
    });
    expect(listing.files).not.toContain('doomed.bin');
  }, 30_000);
});
