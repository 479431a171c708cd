import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultToken,
  HubAuthError,
  HubValidationError,
  login,
  logout,
  tokenPath,
  whoami,
} from '../src/index.js';
import { type FakeHub, startFakeHub } from '../src/testing/index.js';
import { FAST_RETRY, removeTempDirs, tempDir } from './helpers.js';

const TOKEN = 'hf_erin_write';
let hub: FakeHub;
const saved = {
  HF_TOKEN: process.env.HF_TOKEN,
  HF_HOME: process.env.HF_HOME,
  HF_TOKEN_PATH: process.env.HF_TOKEN_PATH,
};

beforeAll(async () => {
  hub = await startFakeHub([], { users: [{ token: TOKEN, name: 'erin' }] });
});
afterAll(async () => {
  await hub.close();
});
afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  removeTempDirs();
});

describe('tokenPath', () => {
  it('is $HF_TOKEN_PATH, else $HF_HOME/token, like huggingface_hub', () => {
    expect(tokenPath({ HF_TOKEN_PATH: '/x/tok', HF_HOME: '/h' })).toBe('/x/tok');
    expect(tokenPath({ HF_HOME: '/h' })).toBe(join('/h', 'token'));
    expect(tokenPath({ XDG_CACHE_HOME: '/c' })).toBe(join('/c', 'huggingface', 'token'));
  });
});

describe('login', () => {
  it('checks the token, then writes it with mode 0600 where huggingface-cli reads it', async () => {
    const home = tempDir();
    process.env.HF_HOME = home;
    delete process.env.HF_TOKEN;
    delete process.env.HF_TOKEN_PATH;
    const user = await login(`  ${TOKEN}\n`, { endpoint: hub.endpoint, retry: FAST_RETRY });
    expect(user.name).toBe('erin');
    const file = join(home, 'token');
    expect(readFileSync(file, 'utf8')).toBe(TOKEN);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The saved login is the default token, for downloads and uploads alike.
    expect(defaultToken()).toBe(TOKEN);
    expect((await whoami({ endpoint: hub.endpoint })).name).toBe('erin');
    expect(await logout()).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(await logout()).toBe(false);
  });
  it('writes nothing for a refused token, and the error does not contain it', async () => {
    const file = join(tempDir(), 'token');
    writeFileSync(file, 'hf_previous');
    const error = await login('hf_refused_secret', {
      endpoint: hub.endpoint,
      tokenPath: file,
      retry: FAST_RETRY,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubAuthError);
    expect((error as Error).message).not.toContain('hf_refused_secret');
    expect(readFileSync(file, 'utf8')).toBe('hf_previous');
  });
  it('refuses an empty token or one with spaces before any request', async () => {
    const from = hub.requests.length;
    await expect(login('   ', { endpoint: hub.endpoint })).rejects.toThrow(HubValidationError);
    await expect(login('hf_a b', { endpoint: hub.endpoint })).rejects.toThrow(/contains spaces/);
    expect(hub.requests.length).toBe(from);
  });
  it('prefers HF_TOKEN over the saved file, and an explicit token over both', async () => {
    const home = tempDir();
    process.env.HF_HOME = home;
    delete process.env.HF_TOKEN_PATH;
    writeFileSync(join(home, 'token'), 'hf_from_file');
    process.env.HF_TOKEN = TOKEN;
    expect((await whoami({ endpoint: hub.endpoint })).name).toBe('erin');
    await expect(whoami({ endpoint: hub.endpoint, token: 'hf_explicit_wrong' })).rejects.toThrow(
      HubAuthError,
    );
    delete process.env.HF_TOKEN;
    expect(defaultToken()).toBe('hf_from_file');
  });
});
