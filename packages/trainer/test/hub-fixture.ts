// The fake Hub the trainer's Hub tests push to: one user, HF_* pointed at it and at a fresh cache.
import { join } from 'node:path';
import { type FakeHub, startFakeHub } from '@ner/hub/testing';
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import { makeTempDir } from './temp-dirs.js';

export const TOKEN = 'hf_alice_trainer_write';

/** Starts one fake Hub for the file; every test gets HF_ENDPOINT, HF_TOKEN and an empty HF_HOME. */
export function useFakeHub(): { hub: () => FakeHub; hfHome: () => string } {
  let hub: FakeHub | undefined;
  let home = '';
  beforeAll(async () => {
    hub = await startFakeHub([], { users: [{ token: TOKEN, name: 'alice', orgs: ['team'] }] });
  });
  afterAll(async () => {
    await hub?.close();
  });
  beforeEach(() => {
    home = makeTempDir('ner-trainer-hf-home-');
    vi.stubEnv('HF_ENDPOINT', hub!.endpoint);
    vi.stubEnv('HF_TOKEN', TOKEN);
    vi.stubEnv('HF_HOME', home);
    vi.stubEnv('HF_HUB_CACHE', join(home, 'hub'));
    vi.stubEnv('HF_HUB_OFFLINE', '');
    vi.stubEnv('HF_HUB_DISABLE_PROGRESS_BARS', '1');
  });
  afterEach(() => {
    hub?.setInterceptor(undefined);
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
  return { hub: () => hub!, hfHome: () => home };
}

/** The paths of a repo's files at main that start with `prefix`, from the fake Hub's tree API. */
export async function repoFiles(hub: FakeHub, repoId: string): Promise<string[]> {
  const response = await fetch(`${hub.endpoint}/api/models/${repoId}/tree/main?recursive=true`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  if (!response.ok) throw new Error(`tree of ${repoId}: ${response.status}`);
  const entries = (await response.json()) as { type: string; path: string }[];
  return entries
    .filter((entry) => entry.type === 'file')
    .map((entry) => entry.path)
    .sort();
}
