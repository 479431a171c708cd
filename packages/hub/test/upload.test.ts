import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createBranch,
  createCommit,
  createRepo,
  HubAuthError,
  HubConflictError,
  OfflineModeIsEnabled,
  RepositoryNotFoundError,
  RevisionNotFoundError,
  listRepoFiles,
  resolveFile,
  resolveFiles,
  uploadFile,
  uploadFolder,
  whoami,
} from '../src/index.js';
import { tempDir, useFakeHub } from './helpers.js';

const TOKEN = 'hf_alice_write';

const fake = useFakeHub(
  [{ repoId: 'someone-else/theirs', revisions: { main: { 'config.json': '{}' } } }],
  {
    users: [
      { token: TOKEN, name: 'alice', orgs: ['team'] },
      { token: 'hf_bob_read', name: 'bob', role: 'read' },
    ],
  },
  { token: TOKEN },
);
const { write, read } = fake;

describe('whoami', () => {
  it('names the token owner and their organizations', async () => {
    const me = await whoami(write());
    expect(me.name).toBe('alice');
    expect(me.orgs.map((org) => org.name)).toEqual(['team']);
    expect(me.auth?.accessToken?.role).toBe('write');
  });
  it('refuses a wrong token with HubAuthError (401)', async () => {
    await expect(whoami(write({ token: 'hf_wrong' }))).rejects.toThrow(HubAuthError);
    await expect(whoami(write({ token: 'hf_wrong' }))).rejects.toThrow(/401.*token was refused/);
  });
});

describe('createRepo', () => {
  it('creates a model repo whose main branch holds .gitattributes', async () => {
    const repo = await createRepo('alice/fresh', write());
    expect(repo).toEqual({
      url: `${fake.hub.endpoint}/alice/fresh`,
      repoId: 'alice/fresh',
      repoType: 'model',
      endpoint: fake.hub.endpoint,
    });
    const listing = await listRepoFiles('alice/fresh', read());
    expect(listing.files).toEqual(['.gitattributes']);
  });
  it('puts a bare name under the token owner, and makes dataset repos', async () => {
    expect((await createRepo('bare', write())).repoId).toBe('alice/bare');
    const data = await createRepo('team/data', write({ repoType: 'dataset' }));
    expect(data.url).toBe(`${fake.hub.endpoint}/datasets/team/data`);
    expect((await listRepoFiles('team/data', read(tempDir(), { repoType: 'dataset' }))).files).toEqual([
      '.gitattributes',
    ]);
  });
  it('is a HubConflictError the second time unless existOk', async () => {
    await createRepo('alice/twice', write());
    await expect(createRepo('alice/twice', write())).rejects.toThrow(HubConflictError);
    await expect(createRepo('alice/twice', write())).rejects.toThrow(/409.*existOk: true/);
    expect((await createRepo('alice/twice', write({ existOk: true }))).repoId).toBe('alice/twice');
    expect((await createRepo('twice', write({ existOk: true }))).repoId).toBe('alice/twice');
  });
  it('makes private repos that need the token to read', async () => {
    await createRepo('alice/secret', write({ private: true }));
    await uploadFile('alice/secret', 'config.json', Buffer.from('{"a":1}'), write());
    await expect(resolveFile('alice/secret', 'config.json', read())).rejects.toThrow(RepositoryNotFoundError);
    const path = await resolveFile('alice/secret', 'config.json', read(tempDir(), { token: TOKEN }));
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}');
  });
  it('with existOk returns a repo it may not create but can see (403 then a visible repo), as Python does', async () => {
    const repo = await createRepo('someone-else/theirs', write({ existOk: true }));
    expect(repo.repoId).toBe('someone-else/theirs');
    await expect(createRepo('someone-else/invisible', write({ existOk: true }))).rejects.toThrow(
      HubAuthError,
    );
  });
  it('refuses every write in offline mode before any request', async () => {
    const before = fake.hub.requests.length;
    process.env.HF_HUB_OFFLINE = '1';
    try {
      await expect(createRepo('alice/offline', write())).rejects.toThrow(OfflineModeIsEnabled);
      await expect(uploadFile('alice/fresh', 'x', Buffer.from('x'), write())).rejects.toThrow(
        /HF_HUB_OFFLINE/,
      );
    } finally {
      delete process.env.HF_HUB_OFFLINE;
    }
    expect(fake.hub.requests.length).toBe(before);
  });
  it('refuses a read token and a foreign namespace with HubAuthError (403)', async () => {
    await expect(createRepo('bob/x', write({ token: 'hf_bob_read' }))).rejects.toThrow(/403.*"write" role/);
    await expect(createRepo('someone-else/x', write())).rejects.toThrow(HubAuthError);
  });
  it('needs a token before sending anything', async () => {
    const before = fake.hub.requests.length;
    const saved = process.env.HF_TOKEN;
    const savedPath = process.env.HF_TOKEN_PATH;
    delete process.env.HF_TOKEN;
    process.env.HF_TOKEN_PATH = join(tempDir(), 'no-token');
    try {
      await expect(createRepo('alice/none', { endpoint: fake.hub.endpoint })).rejects.toThrow(
        /none was found.*ner login/,
      );
    } finally {
      if (saved !== undefined) process.env.HF_TOKEN = saved;
      if (savedPath === undefined) delete process.env.HF_TOKEN_PATH;
      else process.env.HF_TOKEN_PATH = savedPath;
    }
    expect(fake.hub.requests.length).toBe(before);
  });
});

describe('uploads round-trip through the download cache', () => {
  it('uploadFolder: regular files inline, LFS files through storage, identical bytes back', async () => {
    await createRepo('alice/round-trip', write());
    const folder = tempDir();
    const weights = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7 + 3) % 256));
    writeFileSync(join(folder, 'config.json'), '{"model_type":"bert"}\n');
    writeFileSync(join(folder, 'model.safetensors'), weights);
    writeFileSync(join(folder, 'empty.txt'), '');
    mkdirSync(join(folder, 'sub'));
    writeFileSync(join(folder, 'sub', 'notes.md'), '# notes\n');
    mkdirSync(join(folder, '.git'));
    writeFileSync(join(folder, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const from = fake.hub.requests.length;
    const info = await uploadFolder('alice/round-trip', folder, write({ commitMessage: 'First model' }));
    expect(info.oid).toMatch(/^[0-9a-f]{40}$/);
    expect(info.commitUrl).toBe(`${fake.hub.endpoint}/alice/round-trip/commit/${info.oid}`);
    expect(fake.hub.commitHistory('alice/round-trip').map((c) => c.summary)).toEqual(['First model']);

    const cache = tempDir();
    const names = ['config.json', 'model.safetensors', 'empty.txt', 'sub/notes.md'];
    const paths = await resolveFiles('alice/round-trip', names, read(cache));
    expect(readFileSync(paths[0] as string, 'utf8')).toBe('{"model_type":"bert"}\n');
    expect(readFileSync(paths[1] as string).equals(weights)).toBe(true);
    expect(readFileSync(paths[2] as string).length).toBe(0);
    expect(readFileSync(paths[3] as string, 'utf8')).toBe('# notes\n');
    const listing = await listRepoFiles('alice/round-trip', read(cache));
    expect(listing.commit).toBe(info.oid);
    expect(listing.files).not.toContain('.git/HEAD');

    // The weights went to storage with one PUT that carried no token; the rest rode in the commit.
    const sent = fake.hub.requests.slice(from);
    const puts = sent.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(puts[0]?.server).toBe('cdn');
    expect(puts[0]?.authorization).toBeUndefined();
    expect(sent.filter((r) => r.url.includes('/commit/'))).toHaveLength(1);
  });

  it('skips files already on the Hub, and makes no empty commit when nothing changed', async () => {
    await createRepo('alice/again', write());
    const folder = tempDir();
    writeFileSync(join(folder, 'config.json'), '{"a":1}');
    writeFileSync(join(folder, 'model.safetensors'), Buffer.alloc(5000, 9));
    const first = await uploadFolder('alice/again', folder, write());
    const lines: string[] = [];
    const from = fake.hub.requests.length;
    const same = await uploadFolder(
      'alice/again',
      folder,
      write({ log: (line: string) => lines.push(line) }),
    );
    expect(same.oid).toBe(first.oid);
    expect(lines).toEqual([
      'No files have been modified since the last commit to "alice/again"; no commit was made.',
    ]);
    expect(
      fake.hub.requests.slice(from).filter((r) => r.url.includes('/commit/') || r.method === 'PUT'),
    ).toHaveLength(0);
    // One changed file: a commit with only that file; the unchanged weights are not asked for again.
    writeFileSync(join(folder, 'config.json'), '{"a":2}');
    const next = fake.hub.requests.length;
    const changed = await uploadFolder('alice/again', folder, write());
    expect(changed.oid).not.toBe(first.oid);
    expect(fake.hub.requests.slice(next).filter((r) => r.url.includes('/objects/batch'))).toHaveLength(0);
    expect(fake.hub.fileAt('alice/again', 'config.json')?.toString()).toBe('{"a":2}');
    expect(fake.hub.commitHistory('alice/again')).toHaveLength(2);
  });

  it('applies allowPatterns, ignorePatterns, pathInRepo and deletePatterns like Python', async () => {
    await createRepo('alice/patterns', write());
    const folder = tempDir();
    for (const name of ['a.json', 'b.txt', 'logs/run.txt', 'logs/deep/x.json']) {
      mkdirSync(join(folder, name, '..'), { recursive: true });
      writeFileSync(join(folder, name), name);
    }
    await uploadFolder(
      'alice/patterns',
      folder,
      write({ allowPatterns: ['*.json'], ignorePatterns: 'logs/deep/' }),
    );
    expect((await listRepoFiles('alice/patterns', read())).files.sort()).toEqual([
      '.gitattributes',
      'a.json',
    ]);
    await uploadFolder('alice/patterns', folder, write({ pathInRepo: 'run1', allowPatterns: 'logs/' }));
    expect(fake.hub.fileAt('alice/patterns', 'run1/logs/deep/x.json')?.toString()).toBe('logs/deep/x.json');
    // Re-upload only b.txt into run1 and delete what else is there.
    await uploadFolder(
      'alice/patterns',
      folder,
      write({ pathInRepo: 'run1', allowPatterns: 'b.txt', deletePatterns: '*' }),
    );
    const files = (await listRepoFiles('alice/patterns', read())).files.sort();
    expect(files).toEqual(['.gitattributes', 'a.json', 'run1/b.txt']);
  });

  it('commits to another branch with revision, and names a missing branch', async () => {
    await createRepo('alice/branches', write());
    const main = fake.hub.commitOf('alice/branches');
    await createBranch('alice/branches', 'dev', write());
    await expect(createBranch('alice/branches', 'dev', write())).rejects.toThrow(HubConflictError);
    await createBranch('alice/branches', 'dev', write({ existOk: true }));
    await uploadFile('alice/branches', 'dev.txt', Buffer.from('on dev'), write({ revision: 'dev' }));
    expect(fake.hub.commitOf('alice/branches')).toBe(main);
    const path = await resolveFile('alice/branches', 'dev.txt', read(tempDir(), { revision: 'dev' }));
    expect(readFileSync(path, 'utf8')).toBe('on dev');
    await expect(
      uploadFile('alice/branches', 'x.txt', Buffer.from('x'), write({ revision: 'nope' })),
    ).rejects.toThrow(RevisionNotFoundError);
  });

  it('opens a pull request with createPr instead of moving the branch', async () => {
    await createRepo('alice/prs', write());
    const main = fake.hub.commitOf('alice/prs');
    const info = await uploadFile(
      'alice/prs',
      'proposal.txt',
      Buffer.from('please'),
      write({ createPr: true }),
    );
    expect(info.prUrl).toBe(`${fake.hub.endpoint}/alice/prs/discussions/1`);
    expect(fake.hub.commitOf('alice/prs')).toBe(main);
    expect(fake.hub.commitOf('alice/prs', 'refs/pr/1')).toBe(info.oid);
    const path = await resolveFile('alice/prs', 'proposal.txt', read(tempDir(), { revision: 'refs/pr/1' }));
    expect(readFileSync(path, 'utf8')).toBe('please');
    expect(fake.hub.requests.some((r) => r.url.includes('/preupload/main?create_pr=1'))).toBe(true);
  });

  it('deletes files and folders, and refuses a stale parentCommit (409)', async () => {
    await createRepo('alice/edits', write());
    const first = await createCommit(
      'alice/edits',
      [
        { kind: 'add', pathInRepo: 'keep.txt', pathOrBytes: Buffer.from('keep') },
        { kind: 'add', pathInRepo: 'old/a.txt', pathOrBytes: Buffer.from('a') },
        { kind: 'add', pathInRepo: 'gone.txt', pathOrBytes: Buffer.from('gone') },
      ],
      write({ commitMessage: 'add', commitDescription: 'three files' }),
    );
    expect(fake.hub.commitHistory('alice/edits')[0]).toMatchObject({
      summary: 'add',
      description: 'three files',
    });
    await createCommit(
      'alice/edits',
      [
        { kind: 'delete', pathInRepo: 'gone.txt' },
        { kind: 'delete', pathInRepo: 'old', isFolder: true },
      ],
      write({ commitMessage: 'remove', parentCommit: first.oid }),
    );
    expect((await listRepoFiles('alice/edits', read())).files.sort()).toEqual(['.gitattributes', 'keep.txt']);
    const stale = createCommit(
      'alice/edits',
      [{ kind: 'add', pathInRepo: 'late.txt', pathOrBytes: Buffer.from('late') }],
      write({ commitMessage: 'late', parentCommit: first.oid }),
    );
    await expect(stale).rejects.toThrow(HubConflictError);
    expect(fake.hub.fileAt('alice/edits', 'late.txt')).toBeUndefined();
  });

  it('names a missing repo (404) and refuses writes by a read token (403)', async () => {
    const op = [{ kind: 'add' as const, pathInRepo: 'a.txt', pathOrBytes: Buffer.from('a') }];
    await expect(createCommit('alice/missing', op, write({ commitMessage: 'x' }))).rejects.toThrow(
      RepositoryNotFoundError,
    );
    await expect(createCommit('alice/missing', op, write({ commitMessage: 'x' }))).rejects.toThrow(
      /createRepo/,
    );
    await createRepo('alice/readonly', write());
    await expect(
      createCommit('alice/readonly', op, write({ commitMessage: 'x', token: 'hf_bob_read' })),
    ).rejects.toThrow(HubAuthError);
    await expect(
      createCommit('alice/readonly', op, write({ commitMessage: 'x', token: 'hf_nobody' })),
    ).rejects.toThrow(/401/);
  });
});
