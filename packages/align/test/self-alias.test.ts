// vitest.config.ts points `@ner/align` at src/ (tools/test-support's packageVitestConfig), so the
// README snippet tests the code under edit. These tests would fail if the name fell back to dist/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  makeTempDir,
  packageVitestConfig,
  removeTempDirs,
  selfAliases,
  selfAliasMismatches,
} from '@ner/test-support';
import { afterAll, expect, it } from 'vitest';
import * as source from '../src/index.js';

afterAll(removeTempDirs);

/** A package folder with this package.json and these source files; returns its vitest.config.ts URL. */
function fakePackage(manifest: object, sources: string[]): string {
  const dir = makeTempDir('ner-self-alias-');
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  for (const file of sources) {
    mkdirSync(join(dir, 'src', file, '..'), { recursive: true });
    writeFileSync(join(dir, 'src', file), 'export {};\n');
  }
  return pathToFileURL(join(dir, 'vitest.config.ts')).href;
}

it('the package name resolves to the sources in its own tests', async () => {
  expect(await selfAliasMismatches({ '@ner/align': source })).toEqual([]);
  // Without the alias every export differs: the check is not vacuous.
  const elsewhere = { ...source, Tokenizer: class {} };
  expect(await selfAliasMismatches({ '@ner/align': elsewhere, '@ner/empty': {} })).toEqual([
    '@ner/align#Tokenizer',
    '@ner/empty#(no exports)',
  ]);
});

it('maps the name and each code export subpath to src/', () => {
  const url = fakePackage(
    {
      name: '@ner/x',
      exports: { '.': {}, './plot': {}, './internal': {}, './package.json': './package.json' },
    },
    ['index.ts', 'plot/index.ts', 'internal.ts'],
  );
  const aliases = selfAliases(url).map((a) => [a.find.source, a.replacement.split(/[\\/]src[\\/]/)[1]]);
  expect(aliases).toEqual([
    ['^@ner\\/x$', 'index.ts'],
    ['^@ner\\/x\\/plot$', 'plot/index.ts'],
    ['^@ner\\/x\\/internal$', 'internal.ts'],
  ]);
  const [main] = selfAliases(url);
  expect(main!.find.test('@ner/x')).toBe(true);
  expect(main!.find.test('@ner/x/plot')).toBe(false);
  expect(main!.find.test('@ner/xy')).toBe(false);
});

it('names the package and its tests, and keeps what the caller adds', () => {
  const url = fakePackage({ name: '@ner/x' }, ['index.ts']);
  const extra = { find: 'other', replacement: '/elsewhere.ts' };
  const config = packageVitestConfig(url, { resolve: { alias: [extra] }, test: { testTimeout: 5 } });
  expect(config.test?.name).toBe('@ner/x');
  expect(config.test?.include).toEqual(['src/**/*.test.ts', 'test/**/*.test.ts']);
  expect(config.test?.testTimeout).toBe(5);
  const alias = config.resolve?.alias as unknown as { find: unknown }[];
  expect(alias).toHaveLength(2);
  expect(alias[1]).toBe(extra);
});

it('fails naming the subpath whose source is missing', () => {
  const url = fakePackage({ name: '@ner/x', exports: { '.': {}, './gone': {} } }, ['index.ts']);
  expect(() => selfAliases(url)).toThrow(/@ner\/x exports "\.\/gone" but none of .*gone\.ts.* exists/);
});
