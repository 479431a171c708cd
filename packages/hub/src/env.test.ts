import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as env from './env.js';

describe('environment variables as huggingface_hub reads them', () => {
  it('HF_HUB_CACHE beats HF_HOME/hub, which beats XDG_CACHE_HOME/huggingface/hub', () => {
    expect(env.defaultCacheDir({ HF_HUB_CACHE: '/c', HF_HOME: '/h' })).toBe('/c');
    expect(env.defaultCacheDir({ HF_HOME: '/h' })).toBe(join('/h', 'hub'));
    expect(env.defaultCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(join('/x', 'huggingface', 'hub'));
    expect(env.hfHome({ HF_HOME: '/h' })).toBe('/h');
  });

  it('HF_ENDPOINT without trailing slash', () => {
    expect(env.defaultEndpoint({ HF_ENDPOINT: 'http://127.0.0.1:9/' })).toBe('http://127.0.0.1:9');
    expect(env.defaultEndpoint({})).toBe('https://huggingface.co');
  });

  it('HF_HUB_OFFLINE accepts Python true values only', () => {
    for (const value of ['1', 'true', 'YES', 'on'])
      expect(env.isOfflineMode({ HF_HUB_OFFLINE: value })).toBe(true);
    for (const value of ['0', 'false', '', 'no'])
      expect(env.isOfflineMode({ HF_HUB_OFFLINE: value })).toBe(false);
  });

  it('HF_TOKEN beats the saved token file', () => {
    const home = mkdtempSync(join(tmpdir(), 'ner-hf-home-'));
    try {
      writeFileSync(join(home, 'token'), 'hf_saved\n');
      expect(env.defaultToken({ HF_HOME: home })).toBe('hf_saved');
      expect(env.defaultToken({ HF_HOME: home, HF_TOKEN: 'hf_env' })).toBe('hf_env');
      expect(env.defaultToken({ HF_HOME: join(home, 'none') })).toBeUndefined();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('HF_HUB_DOWNLOAD_TIMEOUT (seconds) sets the stall timeout; anything but a positive number keeps 60 s', () => {
    expect(env.defaultStallTimeoutMs({})).toBe(60_000);
    expect(env.defaultStallTimeoutMs({ HF_HUB_DOWNLOAD_TIMEOUT: '2.5' })).toBe(2500);
    for (const value of ['0', '-1', 'soon', ''])
      expect(env.defaultStallTimeoutMs({ HF_HUB_DOWNLOAD_TIMEOUT: value })).toBe(60_000);
  });
});
