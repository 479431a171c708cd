// vitest.config.ts points `@ner/pipeline` and `@ner/pipeline/internal` at src/ (tools/test-support's
// packageVitestConfig), so the README snippets test the code under edit, not dist/.
import { selfAliasMismatches } from '@ner/test-support';
import { expect, it } from 'vitest';
import * as source from '../src/index.js';
import * as internal from '../src/internal.js';

it('the package name and its ./internal subpath resolve to the sources in its own tests', async () => {
  expect(await selfAliasMismatches({ '@ner/pipeline': source, '@ner/pipeline/internal': internal })).toEqual(
    [],
  );
});
