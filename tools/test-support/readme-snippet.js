// README snippets as tests: the first ```ts block of a README, with every
// `expression; // value` line turned into an assertion, run as a module that
// vitest transforms like the tests.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The first ```ts block of the README at `readmePath`; throws naming the file when it has none. */
export function readmeSnippet(readmePath) {
  const match = /```ts\n([\s\S]*?)```/.exec(readFileSync(readmePath, 'utf8'));
  if (!match) throw new Error(`${readmePath}: no \`\`\`ts code block to run`);
  return match[1];
}

/** The value written in a comment when it is a JavaScript literal (not prose), else undefined. */
function literalText(comment) {
  // "0.6666666666666666 (binary: the class 1)": the value before the prose.
  for (const text of [comment, comment.replace(/ \([^)]*\)$/, '')]) {
    try {
      new Function(`return (${text});`)();
      return text;
    } catch {
      // not a literal: try without the prose, or leave the line as it is
    }
  }
  return undefined;
}

/**
 * `expr; // literal` (or `expr;` then a line `// [literal]`) becomes
 * `expect(expr).toEqual(literal)`; other lines stay as they are. `checks` counts the assertions.
 */
export function withAssertions(code) {
  let checks = 0;
  const joined = code.replace(/^([^/\n][^\n]*;)\n\/\/ (\[[^\n]*\])$/gm, '$1 // $2');
  const lines = joined.split('\n').map((line) => {
    const match = /^(?!\s*(?:const|let|await|import)\b)(.+?);\s*\/\/ (.+)$/.exec(line);
    const value = match ? literalText(match[2]) : undefined;
    if (value === undefined) return line;
    checks++;
    return `expect(${match[1]}, ${JSON.stringify(match[1])}).toEqual(${value});`;
  });
  return { code: lines.join('\n'), checks };
}

/**
 * Writes `code` (with vitest's `expect` imported) beside the test in `testDir`, so vitest
 * transforms it like the tests, imports it, and removes the file again.
 */
export async function runSnippet(testDir, code) {
  const file = join(testDir, `readme-snippet-${process.pid}.generated.ts`);
  writeFileSync(file, `import { expect } from 'vitest';\n${code}\nexport {};\n`);
  try {
    await import(pathToFileURL(file).href);
  } finally {
    rmSync(file, { force: true });
  }
}
