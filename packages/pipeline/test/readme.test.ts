// Runs both snippets of the README on the oracle's tiny models: the model folders they name are
// made from the oracle files (the token classifier with its tokenizer; the sequence classifier
// with the first 120 tokens of that vocabulary, its vocab_size), and `stride: 128` becomes 8,
// below the tiny model's 64 positions.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sharedPath } from '@ner/test-support';
import { afterAll, expect, it } from 'vitest';
import { oracle } from './oracle-cases.js';

const here = dirname(fileURLToPath(import.meta.url));
const made: string[] = [];
afterAll(() => {
  for (const path of made) rmSync(path, { recursive: true, force: true });
});

function folder(root: string, name: string, links: [string, string][]): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [from, file] of links) symlinkSync(from, join(dir, file));
  return dir;
}

/** The README's ```ts blocks with the paths replaced, each written next to this file and imported. */
async function runSnippet(code: string, name: string): Promise<Record<string, unknown>> {
  const file = join(here, `readme-${name}-${process.pid}.generated.ts`);
  made.push(file);
  writeFileSync(file, code);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

it('the README snippets run on the oracle models', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ner-pipeline-readme-'));
  made.push(root);
  const oracleDir = sharedPath('oracle', 'pipeline');
  const ner = folder(root, 'bert-finetuned-ner', [
    [join(oracleDir, 'model', 'config.json'), 'config.json'],
    [join(oracleDir, 'model', 'model.safetensors'), 'model.safetensors'],
    [join(oracleDir, 'tokenizer.json'), 'tokenizer.json'],
  ]);
  const seqDir = sharedPath('oracle', 'models', 'bert-seq-cls');
  const sst = folder(root, 'distilbert-sst2', [
    [join(seqDir, 'config.json'), 'config.json'],
    [join(seqDir, 'model.safetensors'), 'model.safetensors'],
  ]);
  const vocab = readFileSync(join(oracleDir, 'vocab.txt'), 'utf8').split('\n').slice(0, 120);
  writeFileSync(join(sst, 'vocab.txt'), `${vocab.join('\n')}\n`);

  const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  // The first block is the usage example; the manual path is the one that loads a Tokenizer
  // (the block between them lists signatures).
  const usage = blocks[0];
  const manual = blocks.find((block) => block.includes('Tokenizer.fromPretrained'));
  // `@ner/pipeline` resolves to src/ (vitest.config.ts); the model folders become the oracle's.
  const local = (code: string) =>
    code
      .replaceAll("'./bert-finetuned-ner'", JSON.stringify(ner))
      .replaceAll("'./distilbert-sst2'", JSON.stringify(sst));

  const longArticle = oracle.stride_cases.map((c) => c.text).join(' ');
  // The snippet's `longArticle` is declared right after its imports.
  const withArticle = local(usage!)
    .replace('stride: 128', 'stride: 8')
    .replace(/^(import [^\n]*\n)(?!import)/m, `$1const longArticle = ${JSON.stringify(longArticle)};\n`);
  const first = await runSnippet(`${withArticle}\nexport { entities };\n`, 'usage');
  const simple = first.entities as { entity_group: string }[];
  expect(Array.isArray(simple)).toBe(true);
  for (const entity of simple)
    expect(Object.keys(entity).sort()).toEqual(['end', 'entity_group', 'score', 'start', 'word']);

  const second = await runSnippet(`${local(manual!)}\nexport { encoding, labels };\n`, 'manual');
  const tokens = (second.encoding as { tokens(): string[] }).tokens();
  expect(tokens[0]).toBe('[CLS]');
  expect(second.labels as string[]).toHaveLength(tokens.length);
});
