import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeHub } from '@ner/hub/testing';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../src/index.js';
import { vocabDir } from './corpora.js';

describe('loadTokenizer from a Hub id (through @ner/hub, local fake Hub)', () => {
  it('downloads tokenizer.json + tokenizer_config.json and skips files the repo lacks', async () => {
    const dir = vocabDir('bert-base-uncased');
    const hub = await startFakeHub([
      {
        repoId: 'org/tiny-bert',
        revisions: {
          main: {
            'tokenizer.json': readFileSync(join(dir, 'tokenizer.json')),
            'tokenizer_config.json': readFileSync(join(dir, 'tokenizer_config.json')),
          },
        },
      },
    ]);
    const cacheDir = mkdtempSync(join(tmpdir(), 'ner-align-hub-'));
    try {
      const fromHub = await loadTokenizer('org/tiny-bert', {
        endpoint: hub.endpoint,
        cacheDir,
        token: false,
      });
      const local = await loadTokenizer(dir);
      expect(fromHub.encode('Héllo WORLD!').inputIds).toEqual(local.encode('Héllo WORLD!').inputIds);
      expect(fromHub.tokenize('Héllo WORLD!')).toEqual(['hello', 'world', '!']);
      expect(fromHub.modelMaxLength).toBe(512);
    } finally {
      await hub.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
