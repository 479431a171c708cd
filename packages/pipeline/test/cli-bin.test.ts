// Spawns the built `ner` bin (dist/cli.js) on the oracle's tiny model.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedPath } from '@ner/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEntitiesToMatch, oracle } from './oracle-cases.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(packageDir, 'dist', 'cli.js');
const model = sharedPath('oracle', 'pipeline', 'model');
const tokenizer = sharedPath('oracle', 'pipeline');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function ner(args: string[], input: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, NER_BACKEND: 'cpu', ...env },
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

beforeAll(() => {
  // The bin is the built file; rebuild it when the sources are newer (turbo builds only dependencies first).
  if (!existsSync(bin) || statSync(bin).mtimeMs < newestSource(join(packageDir, 'src'))) {
    const build = spawnSync('npx', ['tsup'], { cwd: packageDir, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npx tsup failed in ${packageDir}:\n${build.stderr}`);
  }
}, 120_000);

describe('ner predict (spawned bin)', () => {
  const sentences = oracle.sentences.filter((s) => s.text !== '' && !s.text.includes('\n'));

  it('prints one JSON line per input line with Python-equal entities', () => {
    const r = ner(
      ['predict', '--model', model, '--tokenizer', tokenizer, '--aggregation', 'first'],
      `${sentences.map((s) => s.text).join('\n')}\n`,
    );
    expect(r.err).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const lines = r.out
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(sentences.length);
    lines.forEach((line, i) => {
      const s = sentences[i]!;
      expect(line.text).toBe(s.text);
      const expected = s.model_outputs.first!;
      if (!('value' in expected)) throw new Error('unexpected oracle error');
      expectEntitiesToMatch(line.entities, expected.value, s.id);
    });
  });

  it('pretty format marks entities, in colour only when asked on a non-TTY', () => {
    const s = oracle.sentences[0]!; // "My name is Wolfgang and I live in Berlin"
    const plain = ner(['predict', '-m', model, '-t', tokenizer, '-f', 'pretty'], `${s.text}\n`);
    expect(plain.code).toBe(0);
    const expected = (
      s.model_outputs.simple as { value: { entity_group: string; start: number; end: number }[] }
    ).value;
    let marked = '';
    let cursor = 0;
    for (const e of expected) {
      marked += `${s.text.slice(cursor, e.start)}[${s.text.slice(e.start, e.end)}](${e.entity_group})`;
      cursor = e.end;
    }
    expect(plain.out).toBe(`${marked}${s.text.slice(cursor)}\n`);
    const colored = ner(['predict', '-m', model, '-t', tokenizer, '-f', 'pretty', '--color'], `${s.text}\n`);
    expect(colored.out).toContain('\x1b[1;');
  });

  it('fails clearly for a missing model, a config without id2label, and empty input', () => {
    const missing = ner(['predict', '--model', join(tokenizer, 'nope')], 'text\n');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^ner: Model folder not found: .*nope/);
    const dir = mkdtempSync(join(tmpdir(), 'ner-bin-'));
    made.push(dir);
    const config = JSON.parse(readFileSync(join(model, 'config.json'), 'utf8'));
    delete config.id2label;
    delete config.label2id;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const noLabels = ner(['predict', '--model', dir], 'text\n');
    expect(noLabels.code).toBe(1);
    expect(noLabels.err).toMatch(/config\.json has no id2label/);
    const empty = ner(['predict', '--model', model, '--tokenizer', tokenizer], '');
    expect(empty.code).toBe(1);
    expect(empty.err).toMatch(/No input/);
  });
});
