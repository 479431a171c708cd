// The `ner` bin as a user runs it (the committed shim, spawned): what goes wrong ends with the
// documented exit code and one line on stderr, never a stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedPath } from '@ner/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const shim = join(packageDir, 'bin', 'ner.mjs');
const hfHome = mkdtempSync(join(tmpdir(), 'ner-cli-exit-'));

afterAll(() => rmSync(hfHome, { recursive: true, force: true }));
beforeAll(() => {
  if (!existsSync(join(packageDir, 'dist', 'cli.js'))) {
    throw new Error(
      'packages/pipeline/dist/cli.js is missing: build @ner/pipeline first (pnpm --filter @ner/pipeline build)',
    );
  }
});

function ner(args: string[], input: string, env: Record<string, string> = {}, cwd = packageDir) {
  const result = spawnSync(process.execPath, [shim, ...args], {
    input,
    cwd,
    encoding: 'utf8',
    // An empty cache and no network: a Hub id must fail fast and say why.
    env: { ...process.env, NER_BACKEND: 'cpu', HF_HOME: hfHome, HF_HUB_OFFLINE: '1', NER_DEBUG: '', ...env },
    timeout: 60_000,
  });
  return {
    code: result.status,
    out: result.stdout,
    errLines: result.stderr.split('\n').filter((l) => l !== ''),
  };
}

describe('ner exit codes (spawned)', () => {
  it('blank-only input: exit 1, one line, before any model is loaded', () => {
    const r = ner(['predict', '--model', '/definitely/not/here'], '  \n\t\n\n');
    expect(r.code).toBe(1);
    expect(r.errLines).toEqual([
      'ner: No input: give one text per line on standard input (e.g. ner predict --model DIR < texts.txt).',
    ]);
    expect(r.out).toBe('');
  });

  it('bad option values: exit 2, one line naming the option', () => {
    const cases: [string[], RegExp][] = [
      [
        ['--batch-size', 'abc'],
        /^error: option '--batch-size <n>' argument 'abc' is invalid\. expected a positive integer\.$/,
      ],
      [['--batch-size', '0'], /argument '0' is invalid\. expected a positive integer/],
      [
        ['--stride', '-1'],
        /^error: option '--stride <tokens>' argument '-1' is invalid\. expected a non-negative integer\.$/,
      ],
      [
        ['--aggregation', 'median'],
        /^error: option '-a, --aggregation <strategy>' argument 'median' is invalid\. Allowed choices are none, simple, first, average, max\.$/,
      ],
      [['--format', 'xml'], /argument 'xml' is invalid\. Allowed choices are jsonl, pretty/],
    ];
    for (const [options, message] of cases) {
      const r = ner(['predict', '--model', 'x', ...options], 'Hello\n');
      expect(r.code, options.join(' ')).toBe(2);
      expect(r.errLines, options.join(' ')).toHaveLength(1);
      expect(r.errLines[0]).toMatch(message);
    }
    expect(ner(['predict'], 'Hello\n').code).toBe(2);
    expect(ner(['frobnicate'], '').code).toBe(2);
  });

  it('a Hub id that is not cached, offline: exit 1, one line saying so, no stack trace', () => {
    const r = ner(['predict', '--model', 'bert-base-cased'], 'Hello\n');
    expect(r.code).toBe(1);
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]).toMatch(
      /^ner: LocalEntryNotFoundError: Cannot find "config\.json" of model repo "bert-base-cased" .*offline mode is on/,
    );
    expect(r.errLines.join('\n')).not.toMatch(/^\s+at /m);
  });

  it('NER_DEBUG=1 adds the stack for a bug report', () => {
    const r = ner(['predict', '--model', 'bert-base-cased'], 'Hello\n', { NER_DEBUG: '1' });
    expect(r.code).toBe(1);
    expect(r.errLines.length).toBeGreaterThan(1);
    expect(r.errLines.slice(1).join('\n')).toMatch(/^\s+at /m);
  });

  it('`pnpm ner` at the repository root reads paths relative to where the user typed them (INIT_CWD)', () => {
    const model = sharedPath('oracle', 'pipeline', 'model');
    const tokenizer = sharedPath('oracle', 'pipeline');
    const userFolder = tmpdir();
    const r = ner(
      ['predict', '--model', relative(userFolder, model), '--tokenizer', relative(userFolder, tokenizer)],
      'My name is Wolfgang\n',
      { npm_lifecycle_event: 'ner', INIT_CWD: userFolder },
      join(packageDir, '..', '..'),
    );
    expect(r.errLines.filter((l) => l.startsWith('ner:'))).toEqual([]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.trim()).text).toBe('My name is Wolfgang');
  });
});
