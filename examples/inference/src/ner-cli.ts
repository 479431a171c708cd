// Runs the `ner` command line of @ner/pipeline as a child process, the way a user would from a shell.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

/**
 * The `ner` bin's file, found through @ner/pipeline's package.json (`bin.ner`), so it works
 * whether or not pnpm linked `node_modules/.bin/ner` (it links only bins that existed at install).
 */
export function nerBinPath(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@ner/pipeline/package.json');
  const bin = (JSON.parse(readFileSync(packageJson, 'utf8')) as { bin?: Record<string, string> }).bin?.ner;
  if (bin === undefined) throw new Error(`${packageJson} declares no "ner" bin`);
  const path = resolve(dirname(packageJson), bin);
  if (!existsSync(path)) {
    throw new Error(
      `${path} does not exist: build @ner/pipeline first (npx -y pnpm@10.34.8 --filter @ner/pipeline build).`,
    );
  }
  return path;
}

/** What the child process printed and how it ended. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The command as one would type it (for the log). */
  display: string;
}

/** Runs `ner <args>` with a text, or a file's contents, on its standard input (`echo ... |` / `< file`). */
export function runNer(
  args: readonly string[],
  input: { text: string } | { file: string },
): Promise<CliResult> {
  const bin = nerBinPath();
  const quoted = args.map((a) => (/^[\w./:=,-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
  const display =
    'file' in input ? `ner ${quoted} < ${input.file}` : `echo ${JSON.stringify(input.text)} | ner ${quoted}`;
  return new Promise((resolvePromise, reject) => {
    const stdin = 'file' in input ? openSync(input.file, 'r') : 'pipe';
    const child = spawn(process.execPath, [bin, ...args], { stdio: [stdin, 'pipe', 'pipe'] });
    if (typeof stdin === 'number') closeSync(stdin); // the child has its own copy of the descriptor
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr, display }));
    if ('text' in input) child.stdin?.end(`${input.text}\n`);
  });
}
