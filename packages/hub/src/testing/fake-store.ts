/**
 * What the fake Hub stores: repos as commits of files, and the hashes the Hub names them by. Shared by the
 * read routes (fake-hub.ts) and the write routes (fake-hub-writes.ts).
 */
import { createHash } from 'node:crypto';

/** One file of a fake repo. */
export interface FakeFile {
  readonly content: Uint8Array | string;
  /** Served through the CDN redirect with a sha256 ETag, like a Git LFS file. */
  readonly lfs?: boolean;
  /** ETag to announce instead of the real hash (without quotes), to test clients against a lying server. */
  readonly etag?: string;
}

/** One fake repo: its revisions (branch/tag → files). */
export interface FakeRepo {
  readonly repoId: string;
  readonly repoType?: 'model' | 'dataset';
  /** Branch or tag name → files at that revision (each revision gets its own commit hash). */
  readonly revisions: Record<string, Record<string, FakeFile | Uint8Array | string>>;
  /** Requests without `Authorization: Bearer {token}` get 401 (private repo). */
  readonly token?: string;
  /** Gated: requests without the token get 403 GatedRepo. */
  readonly gated?: boolean;
  /** Old id that redirects (relative 307) to this repo, like a renamed repo. */
  readonly renamedFrom?: string;
}

export interface StoredFile {
  readonly bytes: Buffer;
  readonly lfs: boolean;
  /** Real hash: git sha1, or sha256 for LFS (the CDN path). */
  readonly etag: string;
  /** What the Hub announces as ETag. */
  readonly announcedEtag: string;
}

export interface StoredRepo {
  readonly spec: FakeRepo;
  /** revision name or commit → commit */
  readonly commits: Map<string, string>;
  /** commit → path → file */
  readonly files: Map<string, Map<string, StoredFile>>;
  /** commit → what made it (commits made through the commit API; seeded revisions have none) */
  readonly log: Map<string, FakeCommit>;
}

/** One commit made through the fake Hub's commit API. */
export interface FakeCommit {
  readonly oid: string;
  readonly summary: string;
  readonly description: string;
  /** The branch head it was made on. */
  readonly parent: string | undefined;
}

export function gitBlobSha(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function commitHash(repoId: string, revision: string): string {
  return createHash('sha1').update(`${repoId}@${revision}`).digest('hex');
}

export function store(spec: FakeRepo): StoredRepo {
  const commits = new Map<string, string>();
  const files = new Map<string, Map<string, StoredFile>>();
  for (const [revision, entries] of Object.entries(spec.revisions)) {
    const commit = commitHash(spec.repoId, revision);
    commits.set(revision, commit);
    commits.set(commit, commit);
    const byPath = new Map<string, StoredFile>();
    for (const [path, value] of Object.entries(entries)) {
      const file: FakeFile =
        typeof value === 'string' || value instanceof Uint8Array ? { content: value } : value;
      const bytes = Buffer.from(file.content);
      const lfs = file.lfs ?? false;
      const etag = lfs ? createHash('sha256').update(bytes).digest('hex') : gitBlobSha(bytes);
      byPath.set(path, { bytes, lfs, etag, announcedEtag: file.etag ?? etag });
    }
    files.set(commit, byPath);
  }
  return { spec, commits, files, log: new Map() };
}

export function treeEntries(files: Map<string, StoredFile>, prefix: string, recursive: boolean) {
  const base = prefix === '' ? '' : `${prefix}/`;
  const out: { type: 'file' | 'directory'; path: string; size?: number; oid?: string }[] = [];
  const folders = new Set<string>();
  for (const [path, file] of [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!path.startsWith(base)) continue;
    const rest = path.slice(base.length).split('/');
    for (let depth = 1; depth < rest.length; depth += 1) {
      if (!recursive && depth > 1) break;
      const folder = base + rest.slice(0, depth).join('/');
      if (!folders.has(folder)) {
        folders.add(folder);
        out.push({ type: 'directory', path: folder });
      }
    }
    if (recursive || rest.length === 1)
      out.push({ type: 'file', path, size: file.bytes.length, oid: file.etag });
  }
  return out;
}
