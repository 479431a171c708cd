// Each function refuses option names it does not take before any request or file is touched,
// as Python raises `TypeError: hf_hub_download() got an unexpected keyword argument`.
import { describe, expect, it } from 'vitest';
import {
  createBranch,
  createCommit,
  createRepo,
  HubValidationError,
  listRepoFiles,
  listRepoTree,
  LocalEntryNotFoundError,
  login,
  logout,
  pickHubOptions,
  resolveFile,
  resolveFiles,
  uploadFile,
  uploadFolder,
  whoami,
} from './index.js';

// Nothing listens here: a call that got past the name check would fail with a network error.
const endpoint = 'http://127.0.0.1:9';

describe('hub option names', () => {
  it("refuses a typo with Python's wording and the name meant", async () => {
    const call = resolveFile('org/model', 'config.json', { endpoint, revison: 'v1' } as object);
    await expect(call).rejects.toThrow(HubValidationError);
    await expect(
      resolveFile('org/model', 'config.json', { endpoint, revison: 'v1' } as object),
    ).rejects.toThrow(
      "resolveFile() got an unexpected keyword argument 'revison' (unknown option; did you mean revision?)",
    );
    await expect(resolveFiles('org/model', ['a'], { cache_dir: '/tmp/x' } as object)).rejects.toThrow(
      "resolveFiles() got an unexpected keyword argument 'cache_dir' (unknown option; that is Python's spelling, here it is cacheDir)",
    );
    await expect(listRepoFiles('org/model', { recursive: true } as object)).rejects.toThrow(
      /^listRepoFiles\(\) got .*'recursive'/,
    );
    await expect(listRepoTree('org/model', '', { recursiv: true } as object)).rejects.toThrow(
      /did you mean recursive\?/,
    );
  });

  it('says why a Python download option has no counterpart, and takes the harmless ones', async () => {
    await expect(resolveFile('org/model', 'config.json', { force_download: true } as object)).rejects.toThrow(
      /^resolveFile\(\) got an unexpected keyword argument 'force_download' \(not supported here: the cache is trusted/,
    );
    await expect(resolveFile('org/model', 'config.json', { localDir: '/tmp/m' } as object)).rejects.toThrow(
      /copy the returned path/,
    );
    // forceDownload: false asks for what happens anyway, so the call goes on to the (empty) cache.
    await expect(
      resolveFile('org/model', 'config.json', {
        forceDownload: false,
        resumeDownload: true,
        userAgent: 'x',
        cacheDir: '/nonexistent-ner-cache',
        localFilesOnly: true,
      } as object),
    ).rejects.toThrow(LocalEntryNotFoundError);
  });

  it('checks every write and account call', async () => {
    const ops = [{ kind: 'delete' as const, pathInRepo: 'a' }];
    await expect(createRepo('org/m', { privat: true } as object)).rejects.toThrow(
      /^createRepo\(\) got .*did you mean private\?/,
    );
    await expect(createRepo('org/m', { progress: false } as object)).rejects.toThrow(
      /^createRepo\(\) got .*'progress'/,
    );
    await expect(createBranch('org/m', 'b', { exist_ok: true } as object)).rejects.toThrow(
      /here it is existOk\)$/,
    );
    await expect(
      createCommit('org/m', ops, { commitMessage: 'x', create_pr: true } as never),
    ).rejects.toThrow(/^createCommit\(\) got .*here it is createPr\)$/);
    await expect(
      uploadFile('org/m', 'a', new Uint8Array(1), { ignorePatterns: ['x'] } as object),
    ).rejects.toThrow(/^uploadFile\(\) got .*'ignorePatterns'/);
    await expect(uploadFolder('org/m', '.', { allow_patterns: '*.json' } as object)).rejects.toThrow(
      /here it is allowPatterns\)$/,
    );
    await expect(whoami({ cacheDir: '/tmp' } as object)).rejects.toThrow(/^whoami\(\) got .*'cacheDir'/);
    await expect(login('hf_x', { token: 'hf_y' } as object)).rejects.toThrow(/^login\(\) got .*'token'/);
    await expect(logout({ path: '/tmp/t' } as object)).rejects.toThrow(/^logout\(\) got .*'path'/);
    await expect(whoami(null as never)).rejects.toThrow('whoami(): options must be an object, got null');
  });
});

describe('pickHubOptions', () => {
  it("keeps the Hub's options and nothing else", () => {
    const retry = { retries: 1 };
    expect(
      pickHubOptions({ revision: 'v1', cacheDir: '/c', retry, numLabels: 3, token: undefined } as object),
    ).toEqual({ revision: 'v1', cacheDir: '/c', retry });
  });
});
