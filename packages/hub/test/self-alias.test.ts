// vitest.config.ts points `@ner/hub` and `@ner/hub/testing` at src/ (tools/test-support's
// packageVitestConfig), so the README examples test the code under edit, not dist/.
import { selfAliasMismatches } from '@ner/test-support';
import { expect, it } from 'vitest';
import * as source from '../src/index.js';
import * as testing from '../src/testing/index.js';

it('the package name and its ./testing subpath resolve to the sources in its own tests', async () => {
  expect(await selfAliasMismatches({ '@ner/hub': source, '@ner/hub/testing': testing })).toEqual([]);
});
