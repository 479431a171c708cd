// vitest.config.ts points `@ner/evaluate` and `@ner/evaluate/plot` at src/ (tools/test-support's
// packageVitestConfig), so the README snippet tests the code under edit, not dist/.
import { selfAliasMismatches } from '@ner/test-support';
import { expect, it } from 'vitest';
import * as source from '../src/index.js';
import * as plot from '../src/plot/index.js';

it('the package name and its ./plot subpath resolve to the sources in its own tests', async () => {
  expect(await selfAliasMismatches({ '@ner/evaluate': source, '@ner/evaluate/plot': plot })).toEqual([]);
});
