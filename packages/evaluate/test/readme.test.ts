// Runs the README's snippet: every `expression; // value` line becomes an
// assertion, the printed report must equal the commented block under it, and
// the two pictures must be written.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir, readmeSnippet, removeTempDirs, runSnippet, withAssertions } from '@ner/test-support';
import { afterAll, expect, it, vi } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
afterAll(removeTempDirs);

it('the README snippet runs and gives the values and the report its comments show', async () => {
  const snippet = readmeSnippet(join(here, '..', 'README.md'));
  const plots = makeTempDir('ner-evaluate-readme-');
  // `@ner/evaluate` and `@ner/evaluate/plot` resolve to src/ (vitest.config.ts).
  const { code, checks } = withAssertions(snippet.replaceAll("'./plots/", `'${plots}/`));
  expect(checks).toBe(7);
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((text: string) => void printed.push(text));
  try {
    await runSnippet(here, code);
  } finally {
    log.mockRestore();
  }
  // The comment block right after `console.log(report);` is the report as printed.
  const block = /console\.log\(report\);\n((?:\/\/[^\n]*\n)+)/.exec(snippet)![1]!;
  const expected = block
    .split('\n')
    .filter((l) => l.startsWith('//'))
    .map((l) => l.replace(/^\/\/ ?/, ''))
    .join('\n');
  expect(printed).toEqual([`${expected}\n`]);
  expect(readFileSync(join(plots, 'confusion-matrix.svg'), 'utf8')).toContain('>0.67</text>');
  expect(existsSync(join(plots, 'training.svg'))).toBe(true);
});
