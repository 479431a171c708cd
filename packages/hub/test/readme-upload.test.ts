// Runs the README's upload example against the fake Hub (HF_ENDPOINT and HF_TOKEN point at it), on a
// folder shaped like a Trainer's output, then downloads the pushed files back through the cache.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { listRepoFiles, resolveFile } from '../src/index.js';
import { startFakeHub } from '../src/testing/index.js';
import { FAST_RETRY, removeTempDirs, tempDir } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const generated = join(here, `readme-upload-${process.pid}.generated.ts`);
const saved = { HF_ENDPOINT: process.env.HF_ENDPOINT, HF_TOKEN: process.env.HF_TOKEN };
afterAll(() => {
  rmSync(generated, { force: true });
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  removeTempDirs();
});

it("the README's upload example pushes a trained model with its card", async () => {
  const hub = await startFakeHub([], { users: [{ token: 'hf_readme', name: 'my-user' }] });
  try {
    process.env.HF_ENDPOINT = hub.endpoint;
    process.env.HF_TOKEN = 'hf_readme';
    const out = tempDir();
    const weights = Buffer.from(Array.from({ length: 40_000 }, (_, i) => i % 253));
    writeFileSync(join(out, 'config.json'), '{"model_type":"bert"}');
    writeFileSync(join(out, 'model.safetensors'), weights);
    const logHistory = [
      { loss: 0.3, epoch: 0.5, step: 10 },
      { eval_loss: 0.2, eval_f1: 0.5, epoch: 1, step: 20 },
      { train_runtime: 3, epoch: 1, step: 20 },
    ];
    writeFileSync(join(out, 'trainer_state.json'), JSON.stringify({ log_history: logHistory }));
    mkdirSync(join(out, 'checkpoint-10'));
    writeFileSync(join(out, 'checkpoint-10', 'config.json'), '{}');

    const readme = readFileSync(join(here, '..', 'README.md'), 'utf8');
    const block = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
      .map((match) => match[1] as string)
      .find((code) => code.includes('uploadFolder('));
    if (block === undefined) throw new Error('README.md has no ```ts block calling uploadFolder');
    // `@ner/hub` resolves to src/ (vitest.config.ts).
    const code = block
      .replaceAll("'./bert-finetuned-ner", `'${out}`)
      .replace('console.log(commit.commitUrl);', 'export const url = commit.commitUrl;');
    writeFileSync(generated, code);
    const module = (await import(pathToFileURL(generated).href)) as { url: string };
    expect(module.url).toMatch(
      new RegExp(`^${hub.endpoint}/my-user/bert-finetuned-ner/commit/[0-9a-f]{40}$`),
    );

    const options = { endpoint: hub.endpoint, cacheDir: tempDir(), token: false as const, retry: FAST_RETRY };
    const files = (await listRepoFiles('my-user/bert-finetuned-ner', options)).files.sort();
    expect(files).toEqual([
      '.gitattributes',
      'README.md',
      'config.json',
      'model.safetensors',
      'trainer_state.json',
    ]);
    const card = readFileSync(await resolveFile('my-user/bert-finetuned-ner', 'README.md', options), 'utf8');
    expect(card).toContain('base_model: bert-base-cased\n');
    expect(card).toContain('| Training Loss | Epoch | Step | Validation Loss | F1  |\n');
    expect(card).toContain('| 0.3           | 1.0   | 20   | 0.2             | 0.5 |\n');
    expect(card).toContain('- num_epochs: 3.0\n');
    const pulled = readFileSync(
      await resolveFile('my-user/bert-finetuned-ner', 'model.safetensors', options),
    );
    expect(pulled.equals(weights)).toBe(true);
  } finally {
    await hub.close();
  }
});
