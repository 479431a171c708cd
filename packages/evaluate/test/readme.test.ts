// Runs the README's snippet: every `expression; // value` line becomes an
// assertion, the printed report must equal the commented block under it, and
// the two pictures must be written.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it, vi } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const made: string[] = [];
afterAll(() => {
  for (const path of made) rmSync(path, { recursive: true, force: true });
});

/** The value written in a comment, when it is a JavaScript literal (not prose). */
function literal(comment: string): { value: unknown } | undefined {
  try {
    return { value: new Function(`return (${comment});`)() };
  } catch {
    return undefined;
  }
}

/** `expr; // literal` → `expect(expr).toEqual(literal)`; other lines stay as they are. */
function withAssertions(code: string): { code: string; checks: number } {
  let checks = 0;
  const lines = code.split('\n').map((line) => {
    const match = /^(?!\s*(?:const|let|await|import)\b)(.+?);\s*\/\/ (.+)$/.exec(line);
    if (!match) return line;
    // "0.6666666666666666 (binary: the class 1)": the value before the prose.
    const value = match[2]!.replace(/ \([^)]*\)$/, '');
    if (literal(value) === undefined) return line;
    checks++;
    return `expect(${match[1]}, ${JSON.stringify(match[1])}).toEqual(${value});`;
  });
  return { code: lines.join('\n'), checks };
}

it('the README snippet runs and gives the values and the report its comments show', async () => {
  const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
  const snippet = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  const plots = mkdtempSync(join(tmpdir(), 'ner-evaluate-readme-'));
  made.push(plots);
  const { code, checks } = withAssertions(
    snippet
      .replace("from '@ner/evaluate'", `from ${JSON.stringify(join(here, '..', 'src', 'index.js'))}`)
      .replace(
        "from '@ner/evaluate/plot'",
        `from ${JSON.stringify(join(here, '..', 'src', 'plot', 'index.js'))}`,
      )
      .replaceAll("'./plots/", `'${plots}/`),
  );
  expect(checks).toBe(7);
  const file = join(here, `readme-snippet-${process.pid}.generated.ts`);
  made.push(file);
  writeFileSync(file, `import { expect } from 'vitest';\n${code}\nexport {};\n`);
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((text: string) => void printed.push(text));
  try {
    await import(pathToFileURL(file).href);
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
