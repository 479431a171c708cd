// The smoke run with --push-to-hub against @ner/hub's fake Hub: the model is pushed, and the
// pipeline loaded by its Hub id (through a fresh cache) finds the same entities as the local one.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
// This example does not depend on @ner/hub (its lockfile entry is another task's); the built
// testing entry is imported by path until it does.
import { type FakeHub, startFakeHub } from '@ner/hub/testing';

const exampleDir = resolve(import.meta.dirname, '..');
const TOKEN = 'hf_wnut_smoke_write';
let hub: FakeHub;
let work: string;

beforeAll(async () => {
  hub = await startFakeHub([], { users: [{ token: TOKEN, name: 'smoke-user' }] });
  work = mkdtempSync(join(tmpdir(), 'ner-wnut-push-'));
});
afterAll(async () => {
  await hub.close();
  rmSync(work, { recursive: true, force: true });
});

/** Runs the example with tsx; async, so this process's fake Hub keeps answering meanwhile. */
function runExample(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(join(exampleDir, 'node_modules', '.bin', 'tsx'), ['src/main.ts', ...args], {
      cwd: exampleDir,
      env,
      timeout: 240_000,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', fail);
    child.on('close', (status) => done({ status, output }));
  });
}

it('--smoke --push-to-hub pushes the model and the pipeline by Hub id predicts the same', async () => {
  const run = await runExample(
    ['--smoke', '--output', join(work, 'out'), '--push-to-hub', 'smoke-user/wnut-smoke'],
    {
      ...process.env,
      HF_ENDPOINT: hub.endpoint,
      HF_TOKEN: TOKEN,
      HF_HOME: join(work, 'hf-home'),
      HF_HUB_CACHE: join(work, 'hf-home', 'hub'),
      HF_HUB_OFFLINE: '',
      HF_HUB_DISABLE_PROGRESS_BARS: '1',
    },
  );
  expect(run.status, run.output).toBe(0);
  expect(run.output).toContain(
    "pipeline('ner', { model: 'smoke-user/wnut-smoke' }) from the Hub: same entities",
  );
  const summaries = hub.commitHistory('smoke-user/wnut-smoke').map((commit) => commit.summary);
  expect(summaries[0]).toBe('End of training');
  // Each epoch's save was pushed during training (a newer save may replace one still waiting).
  expect(summaries[1]).toMatch(/^Training in progress, epoch \d+$/);
  const card = hub.fileAt('smoke-user/wnut-smoke', 'README.md')?.toString('utf8') ?? '';
  expect(card).toContain('datasets:\n- wnut_17');
  expect(card).toContain('type: token-classification');
  expect(hub.fileAt('smoke-user/wnut-smoke', 'tokenizer.json')).toBeDefined();
}, 300_000);
