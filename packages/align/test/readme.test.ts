// Runs the README's snippet: every `expression; // value` line becomes an assertion.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { vocabDir } from './corpora.js';

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

/**
 * `expr; // literal` (or `expr;` then a line `// literal`) → `expect(expr).toEqual(literal)`;
 * other lines stay as they are.
 */
function withAssertions(code: string): { code: string; checks: number } {
  let checks = 0;
  const joined = code.replace(/^([^/\n][^\n]*;)\n\/\/ (\[[^\n]*\])$/gm, '$1 // $2');
  const lines = joined.split('\n').map((line) => {
    const match = /^(?!\s*(?:const|let|await|import)\b)(.+?);\s*\/\/ (.+)$/.exec(line);
    if (!match || literal(match[2]!) === undefined) return line;
    checks++;
    return `expect(${match[1]}, ${JSON.stringify(match[1])}).toEqual(${match[2]});`;
  });
  return { code: lines.join('\n'), checks };
}

it('the README snippet runs and gives the values its comments show', async () => {
  const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
  const snippet = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
  const out = mkdtempSync(join(tmpdir(), 'ner-align-readme-'));
  made.push(out);
  const { code, checks } = withAssertions(
    snippet
      .replace("from '@ner/align'", `from ${JSON.stringify(join(here, '..', 'src', 'index.js'))}`)
      .replace("'bert-base-cased'", JSON.stringify(vocabDir('bert-base-cased')))
      .replace("'./my-model'", JSON.stringify(out)),
  );
  expect(checks).toBeGreaterThanOrEqual(8);
  // Next to this file, so that vitest transforms it like the tests.
  const file = join(here, `readme-snippet-${process.pid}.generated.ts`);
  made.push(file);
  writeFileSync(file, `import { expect } from 'vitest';\n${code}\nexport {};\n`);
  await import(pathToFileURL(file).href);
  expect(readFileSync(join(out, 'tokenizer_config.json'), 'utf8')).toContain('"model_max_length": 512');
});
