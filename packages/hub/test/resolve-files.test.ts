import {
  readdirSync,
  readFileSync,
  readlinkSync,
  existsSync,
  mkdirSync,
  writeFileSync,
  lstatSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EntryNotFoundError,
  GatedRepoError,
  HubAuthError,
  HubHttpError,
  HubValidationError,
  LocalEntryNotFoundError,
  RepositoryNotFoundError,
  RevisionNotFoundError,
  listRepoFiles,
  listRepoTree,
  resolveFile,
  resolveFiles,
  tryLoadFromCache,
} from '../src/index.js';
import { startFakeHub } from '../src/testing/index.js';
import { FAST_RETRY, repoWithWeights, tempDir, useFakeHub, WEIGHTS } from './helpers.js';

const CONFIG = '{"model_type": "bert"}\n';
const fast = FAST_RETRY;

const newCache = () => tempDir('ner-hub-cache-');
const gitSha1 = (text: string | Buffer) => {
  const bytes = Buffer.from(text);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
};

const fake = useFakeHub([
  repoWithWeights(
    'org/tiny-bert',
    { 'config.json': CONFIG, 'sub/dir/x.txt': 'x' },
    {
      revisions: { v1: { 'config.json': '{"model_type": "distilbert"}\n' } },
      renamedFrom: 'old-org/tiny-bert',
    },
  ),
  { repoId: 'org/private', token: 'hf_secret', revisions: { main: { 'config.json': CONFIG } } },
  { repoId: 'org/gated', token: 'hf_secret', gated: true, revisions: { main: { 'config.json': CONFIG } } },
  {
    repoId: 'org/data',
    repoType: 'dataset',
    revisions: {
      main: { 'README.md': '# data\n', 'data/train.jsonl': '{"a":1}\n', 'data/test.jsonl': '{"a":2}\n' },
    },
  },
]);
const { read } = fake;
afterEach(() => {
  delete process.env.HF_HUB_OFFLINE;
});

describe('resolveFiles against a local Hub-like server', () => {
  it('downloads into the huggingface_hub cache layout (blobs, snapshots symlinks, refs)', async () => {
    const cacheDir = newCache();
    const [config] = await resolveFiles('org/tiny-bert', ['config.json'], read(cacheDir));
    const commit = fake.hub.commitOf('org/tiny-bert');
    const repoDir = join(cacheDir, 'models--org--tiny-bert');
    expect(config).toBe(join(repoDir, 'snapshots', commit, 'config.json'));
    expect(readFileSync(config as string, 'utf8')).toBe(CONFIG);
    expect(lstatSync(config as string).isSymbolicLink()).toBe(true);
    expect(readlinkSync(config as string)).toBe(join('..', '..', 'blobs', gitSha1(CONFIG)));
    expect(readFileSync(join(repoDir, 'refs', 'main'), 'utf8')).toBe(commit);
    const nested = await resolveFile('org/tiny-bert', 'sub/dir/x.txt', read(cacheDir));
    expect(readlinkSync(nested)).toBe(join('..', '..', '..', '..', 'blobs', gitSha1('x')));
  });

  it('follows the LFS redirect to another origin, names the blob by sha256 and keeps the token on the Hub', async () => {
    const cacheDir = newCache();
    const privateHub = await startFakeHub([repoWithWeights('org/m', {}, { token: 'hf_t' })]);
    try {
      const path = await resolveFile('org/m', 'model.safetensors', {
        cacheDir,
        endpoint: privateHub.endpoint,
        token: 'hf_t',
        retry: fast,
      });
      expect(Buffer.compare(readFileSync(path), WEIGHTS)).toBe(0);
      const sha256 = createHash('sha256').update(WEIGHTS).digest('hex');
      expect(readdirSync(join(cacheDir, 'models--org--m', 'blobs'))).toEqual([sha256]);
      const hubRequests = privateHub.requests.filter((r) => r.server === 'hub');
      const cdnRequests = privateHub.requests.filter((r) => r.server === 'cdn');
      expect(hubRequests.every((r) => r.authorization === 'Bearer hf_t')).toBe(true);
      expect(cdnRequests.length).toBeGreaterThan(0);
      expect(cdnRequests.every((r) => r.authorization === undefined)).toBe(true);
    } finally {
      await privateHub.close();
    }
  });

  it('uses a dataset repo folder and URL for repoType "dataset"', async () => {
    const cacheDir = newCache();
    const path = await resolveFile('org/data', 'data/train.jsonl', read(cacheDir, { repoType: 'dataset' }));
    expect(path).toBe(
      join(
        cacheDir,
        'datasets--org--data',
        'snapshots',
        fake.hub.commitOf('org/data', 'main', 'dataset'),
        'data/train.jsonl',
      ),
    );
    expect(fake.hub.requests.some((r) => r.url === '/datasets/org/data/resolve/main/data/train.jsonl')).toBe(
      true,
    );
  });

  it('resolves a tag to its own commit and writes refs/{tag}', async () => {
    const cacheDir = newCache();
    const path = await resolveFile('org/tiny-bert', 'config.json', read(cacheDir, { revision: 'v1' }));
    expect(readFileSync(path, 'utf8')).toContain('distilbert');
    expect(readFileSync(join(cacheDir, 'models--org--tiny-bert', 'refs', 'v1'), 'utf8')).toBe(
      fake.hub.commitOf('org/tiny-bert', 'v1'),
    );
  });

  it('follows a relative redirect of a renamed repo', async () => {
    const cacheDir = newCache();
    const path = await resolveFile('old-org/tiny-bert', 'config.json', read(cacheDir));
    expect(readFileSync(path, 'utf8')).toBe(CONFIG);
  });

  it('needs no request for a commit hash already in the cache', async () => {
    const cacheDir = newCache();
    const commit = fake.hub.commitOf('org/tiny-bert');
    await resolveFile('org/tiny-bert', 'config.json', read(cacheDir));
    const { result: path, requests } = await fake.requestsDuring(() =>
      resolveFile('org/tiny-bert', 'config.json', read(cacheDir, { revision: commit })),
    );
    expect(readFileSync(path, 'utf8')).toBe(CONFIG);
    expect(requests).toEqual([]);
  });

  it('a second call downloads nothing (only the metadata HEAD)', async () => {
    const cacheDir = newCache();
    await resolveFile('org/tiny-bert', 'model.safetensors', read(cacheDir));
    const { requests } = await fake.requestsDuring(() =>
      resolveFile('org/tiny-bert', 'model.safetensors', read(cacheDir)),
    );
    expect(requests.map((r) => r.method)).toEqual(['HEAD']);
  });

  it('404 for a missing file: EntryNotFoundError naming file and repo, remembered in .no_exist', async () => {
    const cacheDir = newCache();
    const error = await resolveFile('org/tiny-bert', 'nope.bin', read(cacheDir)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EntryNotFoundError);
    expect((error as Error).message).toMatch(/"nope\.bin".*"org\/tiny-bert".*"main"/);
    const commit = fake.hub.commitOf('org/tiny-bert');
    expect(existsSync(join(cacheDir, 'models--org--tiny-bert', '.no_exist', commit, 'nope.bin'))).toBe(true);
    await expect(
      resolveFile('org/tiny-bert', 'nope.bin', read(cacheDir, { localFilesOnly: true })),
    ).rejects.toThrow(EntryNotFoundError);
  });

  it('401 for an unknown repo: RepositoryNotFoundError that says what to do', async () => {
    const error = await resolveFile('org/missing', 'config.json', read(newCache())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepositoryNotFoundError);
    expect((error as Error).message).toMatch(/"org\/missing".*401.*token/);
  });

  it('private repo: works with the token, 401 without it, HubAuthError with a wrong one', async () => {
    const cacheDir = newCache();
    const path = await resolveFile('org/private', 'config.json', read(cacheDir, { token: 'hf_secret' }));
    expect(readFileSync(path, 'utf8')).toBe(CONFIG);
    await expect(resolveFile('org/private', 'config.json', read(newCache()))).rejects.toThrow(
      RepositoryNotFoundError,
    );
    await expect(
      resolveFile('org/private', 'config.json', read(newCache(), { token: 'hf_wrong' })),
    ).rejects.toThrow(HubAuthError);
  });

  it('gated repo and unknown revision get their own errors', async () => {
    await expect(resolveFile('org/gated', 'config.json', read(newCache()))).rejects.toThrow(GatedRepoError);
    const error = await resolveFile(
      'org/tiny-bert',
      'config.json',
      read(newCache(), { revision: 'nope' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RevisionNotFoundError);
    expect((error as Error).message).toContain('"nope"');
  });

  it('an interrupted body is retried and resumed with a Range request', async () => {
    fake.hub.failNext('model.safetensors', 1, 'truncate');
    const ranges = await fake.downloadRanges('org/tiny-bert', 'model.safetensors', WEIGHTS);
    expect(ranges).toHaveLength(2);
    expect(ranges[1]).toBe(`bytes=${WEIGHTS.length / 2}-`);
  });

  it('a 503 and a reset connection are retried', async () => {
    fake.hub.failNext('config.json', 1, 'status-503');
    const path = await resolveFile('org/tiny-bert', 'config.json', read(newCache()));
    expect(readFileSync(path, 'utf8')).toBe(CONFIG);
    fake.hub.failNext('model.safetensors', 1, 'reset');
    const weights = await resolveFile('org/tiny-bert', 'model.safetensors', read(newCache()));
    expect(readFileSync(weights).length).toBe(WEIGHTS.length);
  });

  it('a body that keeps failing ends in HubHttpError after the attempt limit and leaves nothing in the cache', async () => {
    const cacheDir = newCache();
    fake.hub.failNext('model.safetensors', 10, 'truncate');
    const before = fake.hub.requests.length;
    const error = await resolveFile('org/tiny-bert', 'model.safetensors', read(cacheDir)).catch(
      (e: unknown) => e,
    );
    fake.hub.failNext('model.safetensors', 0);
    expect(error).toBeInstanceOf(HubHttpError);
    expect((error as Error).message).toMatch(/model\.safetensors.*3 attempt/);
    expect(fake.hub.requests.slice(before).filter((r) => r.server === 'cdn')).toHaveLength(3);
    const repoDir = join(cacheDir, 'models--org--tiny-bert');
    expect(readdirSync(join(repoDir, 'blobs'))).toEqual([]);
    expect(existsSync(join(repoDir, 'snapshots'))).toBe(false);
  });

  it('offline mode reads the cache and fails clearly when the cache lacks the file', async () => {
    const cacheDir = newCache();
    await resolveFile('org/tiny-bert', 'config.json', read(cacheDir));
    process.env.HF_HUB_OFFLINE = '1';
    const before = fake.hub.requests.length;
    const path = await resolveFile('org/tiny-bert', 'config.json', read(cacheDir));
    expect(readFileSync(path, 'utf8')).toBe(CONFIG);
    const error = await resolveFile('org/tiny-bert', 'model.safetensors', read(cacheDir)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LocalEntryNotFoundError);
    expect((error as Error).message).toMatch(/"model\.safetensors".*offline/);
    expect(fake.hub.requests.length).toBe(before);
  });

  it('falls back to the cache when the Hub cannot be reached, and says so when it has nothing', async () => {
    const cacheDir = newCache();
    const other = await startFakeHub([{ repoId: 'org/x', revisions: { main: { 'config.json': CONFIG } } }]);
    const options = {
      cacheDir,
      endpoint: other.endpoint,
      token: false as const,
      retry: { attempts: 2, baseDelayMs: 1 },
    };
    await resolveFile('org/x', 'config.json', options);
    await other.close();
    expect(readFileSync(await resolveFile('org/x', 'config.json', options), 'utf8')).toBe(CONFIG);
    const error = await resolveFile('org/x', 'other.json', options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalEntryNotFoundError);
    expect((error as Error).message).toMatch(/could not be reached/);
  });

  it('a local folder works with no network, and a missing file or folder is named', async () => {
    const folder = tempDir('ner-hub-local-');
    writeFileSync(join(folder, 'config.json'), CONFIG);
    const { result: paths, requests } = await fake.requestsDuring(() =>
      resolveFiles(folder, ['config.json']),
    );
    expect(paths).toEqual([join(folder, 'config.json')]);
    expect(requests).toEqual([]);
    await expect(resolveFile(folder, 'model.safetensors')).rejects.toThrow(
      /has no file "model\.safetensors"/,
    );
    await expect(resolveFile('./no/such/folder', 'config.json')).rejects.toThrow(HubValidationError);
    await expect(resolveFile('org/tiny-bert', '../etc/passwd', read(newCache()))).rejects.toThrow(
      HubValidationError,
    );
  });

  it('shows progress lines for a download when asked', async () => {
    const lines: string[] = [];
    await resolveFile(
      'org/tiny-bert',
      'model.safetensors',
      read(newCache(), { progress: true, log: (l: string) => lines.push(l) }),
    );
    expect(lines[0]).toMatch(/^Downloading model\.safetensors \(0\.1 MiB\)$/);
    expect(lines.at(-1)).toMatch(/^Downloaded model\.safetensors in/);
    expect(lines.filter((l) => /: (25|50|75)%/.test(l))).toHaveLength(3);
  });

  it('tryLoadFromCache finds what resolveFile stored', async () => {
    const cacheDir = newCache();
    const path = await resolveFile('org/tiny-bert', 'config.json', read(cacheDir));
    expect(tryLoadFromCache(cacheDir, 'org/tiny-bert', 'model', 'main', 'config.json')).toBe(path);
    expect(tryLoadFromCache(cacheDir, 'org/tiny-bert', 'model', 'main', 'other.json')).toBeUndefined();
  });
});

describe('listing', () => {
  it('listRepoFiles uses the revision API online and the cached snapshot offline', async () => {
    const cacheDir = newCache();
    const listing = await listRepoFiles('org/data', read(cacheDir, { repoType: 'dataset' }));
    expect(listing).toEqual({
      commit: fake.hub.commitOf('org/data', 'main', 'dataset'),
      files: ['README.md', 'data/test.jsonl', 'data/train.jsonl'],
      source: 'hub',
    });
    await resolveFile('org/data', 'data/train.jsonl', read(cacheDir, { repoType: 'dataset' }));
    const offline = await listRepoFiles(
      'org/data',
      read(cacheDir, { repoType: 'dataset', localFilesOnly: true }),
    );
    expect(offline.files).toEqual(['data/train.jsonl']);
    expect(offline.source).toBe('cache');
    await expect(
      listRepoFiles('org/data', read(newCache(), { repoType: 'dataset', localFilesOnly: true })),
    ).rejects.toThrow(LocalEntryNotFoundError);
  });

  it('listRepoFiles lists a local folder', async () => {
    const folder = tempDir('ner-hub-list-');
    mkdirSync(join(folder, 'a'));
    writeFileSync(join(folder, 'a', 'b.txt'), '');
    writeFileSync(join(folder, 'c.txt'), '');
    expect(await listRepoFiles(folder)).toEqual({
      commit: undefined,
      files: ['a/b.txt', 'c.txt'],
      source: 'local',
    });
  });

  it('listRepoTree follows Link pagination', async () => {
    fake.hub.setTreePageSize(1);
    try {
      const entries = await listRepoTree(
        'org/data',
        '',
        read(newCache(), { repoType: 'dataset', recursive: true }),
      );
      expect(entries.map((e) => `${e.type}:${e.path}`)).toEqual([
        'file:README.md',
        'directory:data',
        'file:data/test.jsonl',
        'file:data/train.jsonl',
      ]);
      const top = await listRepoTree('org/data', 'data', read(newCache(), { repoType: 'dataset' }));
      expect(top.map((e) => e.path)).toEqual(['data/test.jsonl', 'data/train.jsonl']);
    } finally {
      fake.hub.setTreePageSize(1000);
    }
  });
});
