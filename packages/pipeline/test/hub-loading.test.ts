// Loading by Hub id: a huggingface_hub cache laid out by hand (offline), so no network is needed.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedPath } from '@ner/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { pipeline } from '../src/index.js';
import { expectEntitiesToMatch, oracle } from './oracle-cases.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function fakeCache(): string {
  const cacheDir = mkdtempSync(join(tmpdir(), 'ner-hub-cache-'));
  made.push(cacheDir);
  const repo = join(cacheDir, 'models--ner-test--tiny-bert-ner');
  const commit = 'a'.repeat(40);
  const snapshot = join(repo, 'snapshots', commit);
  mkdirSync(snapshot, { recursive: true });
  mkdirSync(join(repo, 'refs'), { recursive: true });
  writeFileSync(join(repo, 'refs', 'main'), commit);
  copyFileSync(sharedPath('oracle', 'pipeline', 'model', 'config.json'), join(snapshot, 'config.json'));
  copyFileSync(
    sharedPath('oracle', 'pipeline', 'model', 'model.safetensors'),
    join(snapshot, 'model.safetensors'),
  );
  copyFileSync(sharedPath('oracle', 'pipeline', 'tokenizer.json'), join(snapshot, 'tokenizer.json'));
  return cacheDir;
}

describe('pipeline() with a Hub id', () => {
  it('loads model and tokenizer from the huggingface_hub cache (offline)', async () => {
    const ner = await pipeline('ner', {
      model: 'ner-test/tiny-bert-ner',
      cacheDir: fakeCache(),
      localFilesOnly: true,
      aggregationStrategy: 'simple',
    });
    const s = oracle.sentences[0]!;
    const expected = s.model_outputs.simple!;
    if (!('value' in expected)) throw new Error('unexpected oracle error');
    expectEntitiesToMatch(await ner(s.text), expected.value, s.id);
    ner.dispose();
  });

  it('names the repo when it is not cached offline', async () => {
    await expect(
      pipeline('ner', { model: 'ner-test/not-there', cacheDir: fakeCache(), localFilesOnly: true }),
    ).rejects.toThrow(/not-there/);
  });
});
