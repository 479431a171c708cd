import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { splitInputLines } from './read-input.js';
import { runCli } from './run-cli.js';

async function run(argv: string[], stdin: string) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    stdin: [Buffer.from(stdin)],
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: {},
  });
  return { code, out, err };
}

describe('ner CLI errors', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  it('reports a missing model folder', async () => {
    const r = await run(['predict', '--model', '/definitely/not/here'], 'Hello\n');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Model folder not found: \/definitely\/not\/here/);
    expect(r.out).toBe('');
  });
  it('reports a model without id2label', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ner-cli-'));
    dirs.push(dir);
    // A config @ner/models accepts (it reads config.json once for the pipeline), without labels.
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ model_type: 'bert', hidden_size: 32, num_attention_heads: 4 }),
    );
    const r = await run(['predict', '--model', dir], 'Hello\n');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/config\.json has no id2label/);
  });
  it('reports empty input before loading anything', async () => {
    const r = await run(['predict', '--model', '/definitely/not/here'], '\n  \n');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/No input/);
  });
  it('rejects an unknown strategy and a missing --model as usage errors', async () => {
    expect((await run(['predict', '--model', 'x', '-a', 'median'], 'a\n')).code).toBe(2);
    const missing = await run(['predict'], 'a\n');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/--model/);
  });
});

describe('splitInputLines', () => {
  it('keeps inner blank lines, drops the final newline, handles CRLF and a BOM', () => {
    expect(splitInputLines('\uFEFFa\r\n\r\nb\n')).toEqual(['a', '', 'b']);
    expect(splitInputLines('a')).toEqual(['a']);
  });
});
