// Runs the README's snippet: every `expression; // value` line becomes an assertion.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, readmeSnippet, removeTempDirs, runSnippet, withAssertions } from '@ner/test-support';
import { afterAll, expect, it } from 'vitest';
import { vocabDir } from './corpora.js';

const here = dirname(fileURLToPath(import.meta.url));
afterAll(removeTempDirs);

it('the README snippet runs and gives the values its comments show', async () => {
  const snippet = readmeSnippet(join(here, '..', 'README.md'));
  const out = makeTempDir('ner-align-readme-');
  // `@ner/align` resolves to src/ (vitest.config.ts); the Hub id becomes the shared vocabulary folder.
  const { code, checks } = withAssertions(
    snippet
      .replace("'bert-base-cased'", JSON.stringify(vocabDir('bert-base-cased')))
      .replace("'./my-model'", JSON.stringify(out)),
  );
  expect(checks).toBeGreaterThanOrEqual(8);
  await runSnippet(here, code);
  expect(readFileSync(join(out, 'tokenizer_config.json'), 'utf8')).toContain('"model_max_length": 512');
});
