/** Pieces every hub test shares: temporary folders that are always removed, fast retries, a fake Hub per file. */
import { makeTempDir, removeTempDirs } from '@ner/test-support';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { resolveFile } from '../src/index.js';
import { type FakeHub, type FakeRepo, type FakeRequest, startFakeHub } from '../src/testing/index.js';

/** A fresh temporary folder, removed by {@link removeTempDirs} (call from `afterEach`). */
export function tempDir(prefix = 'ner-hub-hostile-'): string {
  return makeTempDir(prefix);
}

export { removeTempDirs };

/** Retries fast so failure paths take milliseconds. */
export const FAST_RETRY = { attempts: 3, baseDelayMs: 5 };

/** 64 KiB of varied bytes, so a misplaced or corrupted range cannot look right by accident. */
export const WEIGHTS = Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 31 + 7) % 251));

/**
 * A model repo whose `main` holds `files` and a `model.safetensors` of {@link WEIGHTS} stored in LFS
 * (served through the CDN redirect); `more` adds revisions or settings.
 */
export function repoWithWeights(
  repoId: string,
  files: FakeRepo['revisions'][string],
  more: Partial<FakeRepo> = {},
): FakeRepo {
  const main = { ...files, 'model.safetensors': { content: WEIGHTS, lfs: true } };
  return { repoId, ...more, revisions: { main, ...more.revisions } };
}

/** The fake Hub of one test file and the options its calls pass. */
export interface FakeHubSuite {
  /** The running fake Hub (started in `beforeAll`). */
  readonly hub: FakeHub;
  /**
   * Options of a write call: the suite's token, fast retries, then `extra`. No `progress`: repo and
   * account calls refuse it (uploads show progress only for files of 10 MiB or more anyway).
   */
  write<const T extends object = object>(
    extra?: T,
  ): { endpoint: string; token: string; retry: typeof FAST_RETRY } & T;
  /** Options of a download call: `cacheDir` (default a fresh one), no token, fast retries, no progress bar, then `extra`. */
  read<const T extends object = object>(
    cacheDir?: string,
    extra?: T,
  ): { endpoint: string; cacheDir: string; token: false; retry: typeof FAST_RETRY; progress: false } & T;
  /** Runs `call`; returns what it returned and the requests the fake Hub got meanwhile. */
  requestsDuring<T>(call: () => Promise<T>): Promise<{ result: T; requests: FakeRequest[] }>;
  /**
   * Downloads `file` of `repoId` into a fresh cache (`read()` options and `extra`), checks that it holds
   * `expected`, and returns the `Range` header of each GET that fetched its bytes (from the CDN for an
   * LFS file, else from the Hub), in order.
   */
  downloadRanges(
    repoId: string,
    file: string,
    expected: Uint8Array,
    extra?: object,
  ): Promise<(string | undefined)[]>;
}

/**
 * Starts a fake Hub with `repos` before the file's tests and closes it after them; after each
 * test, removes its interceptor and the temporary folders. `write()` calls carry `token`, `read()` none;
 * `setUp` runs once the Hub is up (e.g. to create the repositories the tests write to).
 */
export function useFakeHub(
  repos: Parameters<typeof startFakeHub>[0],
  hubOptions: Parameters<typeof startFakeHub>[1] = {},
  suiteOptions: { token?: string; setUp?: (suite: FakeHubSuite) => Promise<unknown> } = {},
): FakeHubSuite {
  let running: FakeHub | undefined;
  const suite: FakeHubSuite = {
    get hub(): FakeHub {
      if (running === undefined) throw new Error('the fake Hub starts in beforeAll: use it inside a test');
      return running;
    },
    write: (extra = {} as never) => ({
      endpoint: suite.hub.endpoint,
      token: suiteOptions.token ?? '',
      retry: FAST_RETRY,
      ...extra,
    }),
    read: (cacheDir = tempDir(), extra = {} as never) => ({
      endpoint: suite.hub.endpoint,
      cacheDir,
      token: false as const,
      retry: FAST_RETRY,
      progress: false as const,
      ...extra,
    }),
    requestsDuring: async (call) => {
      const from = suite.hub.requests.length;
      const result = await call();
      return { result, requests: suite.hub.requests.slice(from) };
    },
    downloadRanges: async (repoId, file, expected, extra = {}) => {
      const { result: path, requests } = await suite.requestsDuring(() =>
        resolveFile(repoId, file, suite.read(undefined, extra)),
      );
      expect(Buffer.compare(readFileSync(path), expected), `${file} holds the expected bytes`).toBe(0);
      const server = requests.some((r) => r.server === 'cdn') ? 'cdn' : 'hub';
      return requests.filter((r) => r.server === server && r.method === 'GET').map((r) => r.range);
    },
  };
  beforeAll(async () => {
    running = await startFakeHub(repos, hubOptions);
    await suiteOptions.setUp?.(suite);
  });
  afterAll(async () => {
    await running?.close();
  });
  afterEach(() => {
    running?.setInterceptor(undefined);
    removeTempDirs();
  });
  return suite;
}
