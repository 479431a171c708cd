// Trainer ↔ Hub against @ner/hub's fake Hub: pushToHub round trip through the cache, every hubStrategy
// judged by what lands in the repo, failed pushes during training, and a refused token at init.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@ner/align';
import { HubAuthError } from '@ner/hub';
import { AutoModelForTokenClassification, BertConfig } from '@ner/models';
import { sharedPath } from '@ner/test-support';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { HubPushError } from '../src/hub-errors.js';
import { toModelInputs, Trainer, type TrainingArgumentsOptions } from '../src/index.js';
import { repoFiles, TOKEN, useFakeHub } from './hub-fixture.js';
import { makeTempDir } from './temp-dirs.js';
import {
  collator,
  SHORT_RUN,
  shortRunTrainer,
  syntheticRows,
  TINY_CONFIG,
  useCpuAndTempDirs,
} from './tiny.js';

useCpuAndTempDirs();
const fake = useFakeHub();

const rows = syntheticRows(16);

function logitsOf(model: { forward: Trainer['model']['forward'] }, ids: number[]): Float32Array {
  const inputs = toModelInputs(collator.collateFn([{ input_ids: ids, labels: ids.map(() => 0) }]) as never);
  const logits = tf.tidy(() => model.forward(inputs, { training: false }).logits);
  const values = logits.dataSync() as Float32Array;
  tf.dispose([logits, ...Object.values(inputs)]);
  return values;
}

/** Commits answered 403 by the fake Hub while `refuse()` says so (a 403 is not retried). */
function refuseCommits(refuse: () => boolean): void {
  fake.hub().setInterceptor((request, response, server) => {
    if (server !== 'hub' || request.method !== 'POST' || !/\/commit\//.test(request.url ?? '')) return false;
    if (!refuse()) return false;
    response.writeHead(403, { 'content-type': 'application/json', 'x-error-message': 'pushes refused' });
    response.end(JSON.stringify({ error: 'pushes refused' }));
    return true;
  });
}

describe('trainer.pushToHub', () => {
  it('creates the repo at init and pushes a model that loads back through the cache and predicts the same', async () => {
    const tokenizerDir = sharedPath('data', 'tokenizers', 'bert-base-cased');
    const tokenizer = await Tokenizer.fromPretrained(tokenizerDir);
    const outputDir = join(makeTempDir('ner-trainer-push-'), 'tiny-ner');
    const model = AutoModelForTokenClassification.fromConfig(
      new BertConfig({ ...TINY_CONFIG, vocabSize: tokenizer.vocabSize }),
      { seed: 3 },
    );
    const trainer = new Trainer({
      model,
      args: { ...SHORT_RUN, outputDir, saveStrategy: 'no', pushToHub: true, hubModelId: 'alice/tiny-ner' },
      trainDataset: rows,
      dataCollator: collator,
      processingClass: tokenizer,
    });
    await trainer.train();
    expect(trainer.hub.repoId).toBe('alice/tiny-ner');
    // saveStrategy 'no': nothing was pushed during training.
    expect(
      fake
        .hub()
        .commitHistory('alice/tiny-ner')
        .map((c) => c.summary),
    ).not.toContain('End of training');
    const commit = await trainer.pushToHub({ datasetTags: 'wnut_17', language: 'en', license: 'apache-2.0' });
    expect(commit?.commitMessage).toBe('End of training');
    expect(fake.hub().commitHistory('alice/tiny-ner')[0]?.summary).toBe('End of training');
    const files = await repoFiles(fake.hub(), 'alice/tiny-ner');
    expect(files).toEqual(
      expect.arrayContaining([
        'README.md',
        'config.json',
        'model.safetensors',
        'tokenizer.json',
        'training_args.json',
      ]),
    );
    expect(files.some((path) => path.startsWith('checkpoint-') || path.startsWith('_'))).toBe(false);
    const pushedArgs = fake.hub().fileAt('alice/tiny-ner', 'training_args.json')!.toString('utf8');
    expect(JSON.parse(pushedArgs).hub_token).toBe('<HUB_TOKEN>');
    expect(pushedArgs).not.toContain(TOKEN);
    const card = fake.hub().fileAt('alice/tiny-ner', 'README.md')!.toString('utf8');
    expect(card).toContain('library_name: transformers');
    expect(card).toContain('datasets:\n- wnut_17');
    expect(card).toContain('# tiny-ner');

    // Another "machine": an empty cache, the model and tokenizer by Hub id.
    const cacheDir = makeTempDir('ner-trainer-push-cache-');
    const loaded = await AutoModelForTokenClassification.fromPretrained('alice/tiny-ner', { cacheDir });
    const loadedTokenizer = await Tokenizer.fromPretrained('alice/tiny-ner', { cacheDir });
    expect(readdirSync(cacheDir)).toContain('models--alice--tiny-ner');
    const text = 'Alice Smith flew from Paris to Tokyo.';
    const ids = tokenizer.encode(text).inputIds;
    expect(loadedTokenizer.encode(text).inputIds).toEqual(ids);
    expect(Array.from(logitsOf(loaded, ids))).toEqual(Array.from(logitsOf(trainer.model, ids)));
  });

  it('refuses a wrong token at init: train() rejects with HubAuthError before any step', async () => {
    const outputDir = join(makeTempDir('ner-trainer-push-'), 'refused');
    const trainer = shortRunTrainer(outputDir, rows, { pushToHub: true, hubToken: 'hf_wrong' });
    await expect(trainer.train()).rejects.toThrow(HubAuthError);
    expect(trainer.state.globalStep).toBe(0);
    expect(existsSync(join(outputDir, 'checkpoint-2'))).toBe(false);
  });
});

/** Trains 4 steps with checkpoints at 2 and 4, pushing per `hubStrategy`; returns the repo id and output dir. */
async function trainWithStrategy(name: string, args: Partial<TrainingArgumentsOptions>) {
  const outputDir = join(makeTempDir('ner-trainer-strategy-'), name);
  const trainer = shortRunTrainer(outputDir, rows, { pushToHub: true, hubAlwaysPush: true, ...args });
  await trainer.train();
  return { repoId: `alice/${name}`, outputDir, trainer };
}

describe('hubStrategy', () => {
  const summaries = (repoId: string) =>
    fake
      .hub()
      .commitHistory(repoId)
      .map((commit) => commit.summary)
      .reverse();

  it("'end' pushes nothing while training", async () => {
    const { repoId } = await trainWithStrategy('strategy-end', { hubStrategy: 'end' });
    expect(summaries(repoId).filter((s) => s.startsWith('Training in progress'))).toEqual([]);
    expect(await repoFiles(fake.hub(), repoId)).toEqual(['.gitattributes']);
  });

  it("'every_save' pushes the output folder's model files at each save, never the checkpoints", async () => {
    const { repoId, outputDir } = await trainWithStrategy('strategy-every-save', {});
    expect(summaries(repoId)).toEqual(['Training in progress, step 2', 'Training in progress, step 4']);
    const files = await repoFiles(fake.hub(), repoId);
    expect(files).toEqual([
      '.gitattributes',
      'README.md',
      'config.json',
      'model.safetensors',
      'training_args.json',
    ]);
    expect(fake.hub().fileAt(repoId, 'model.safetensors')).toEqual(
      readFileSync(join(outputDir, 'checkpoint-4', 'model.safetensors')),
    );
    expect(readdirSync(outputDir).filter((name) => name.startsWith('_'))).toEqual([]);
  });

  it("'checkpoint' also pushes the newest checkpoint as last-checkpoint/", async () => {
    const { repoId, outputDir } = await trainWithStrategy('strategy-checkpoint', {
      hubStrategy: 'checkpoint',
    });
    expect(summaries(repoId)).toEqual([
      'Training in progress, step 2',
      'Training in progress, step 2, checkpoint',
      'Training in progress, step 4',
      'Training in progress, step 4, checkpoint',
    ]);
    const files = await repoFiles(fake.hub(), repoId);
    expect(files.filter((path) => path.startsWith('checkpoint-'))).toEqual([]);
    expect(files).toContain('last-checkpoint/optimizer.safetensors');
    const state = JSON.parse(
      fake.hub().fileAt(repoId, 'last-checkpoint/trainer_state.json')!.toString('utf8'),
    );
    expect(state.global_step).toBe(4);
    expect(fake.hub().fileAt(repoId, 'last-checkpoint/model.safetensors')).toEqual(
      readFileSync(join(outputDir, 'checkpoint-4', 'model.safetensors')),
    );
  });

  it("'all_checkpoints' pushes each checkpoint folder, even one saveTotalLimit deleted meanwhile", async () => {
    const { repoId } = await trainWithStrategy('strategy-all', {
      hubStrategy: 'all_checkpoints',
      saveTotalLimit: 1,
    });
    const files = await repoFiles(fake.hub(), repoId);
    expect(files).toContain('checkpoint-2/model.safetensors');
    expect(files).toContain('checkpoint-4/model.safetensors');
    const step2 = JSON.parse(fake.hub().fileAt(repoId, 'checkpoint-2/trainer_state.json')!.toString('utf8'));
    expect(step2.global_step).toBe(2);
  });
});

describe('the push queue', () => {
  it('by default lets the newest save replace one still waiting: pushes go in step order and end with the last', async () => {
    const outputDir = join(makeTempDir('ner-trainer-queue-'), 'queue');
    const trainer = shortRunTrainer(outputDir, rows, { pushToHub: true, maxSteps: 8 });
    await trainer.train();
    const steps = fake
      .hub()
      .commitHistory('alice/queue')
      .map((commit) => /step (\d+)$/.exec(commit.summary)?.[1])
      .filter((step) => step !== undefined)
      .map(Number)
      .reverse();
    expect(steps[0]).toBe(2);
    expect(steps.at(-1)).toBe(8);
    expect(steps).toEqual([...new Set(steps)].sort((a, b) => a - b));
    expect(readdirSync(outputDir).filter((name) => name.startsWith('_'))).toEqual([]);
  });

  it('removes staging folders of dead processes at init and keeps those of live ones', async () => {
    const outputDir = join(makeTempDir('ner-trainer-queue-'), 'stale');
    for (const name of ['_hub-push-999999999-1', `_hub-push-${process.pid}-99`]) {
      mkdirSync(join(outputDir, name), { recursive: true });
      writeFileSync(join(outputDir, name, 'model.safetensors'), 'x');
    }
    const trainer = shortRunTrainer(outputDir, rows, { pushToHub: true, hubStrategy: 'end' });
    await trainer.train();
    expect(readdirSync(outputDir).filter((name) => name.startsWith('_'))).toEqual([
      `_hub-push-${process.pid}-99`,
    ]);
  });

  it('pushToHub({ blocking: false }) returns after saving; waitForPush waits for the upload', async () => {
    const outputDir = join(makeTempDir('ner-trainer-queue-'), 'later');
    const trainer = shortRunTrainer(outputDir, rows, { saveStrategy: 'no' });
    await trainer.train();
    expect(await trainer.pushToHub({ blocking: false, commitMessage: 'Background push' })).toBeUndefined();
    expect(existsSync(join(outputDir, 'README.md'))).toBe(true);
    await trainer.hub.waitForPush();
    expect(fake.hub().commitHistory('alice/later')[0]?.summary).toBe('Background push');
    expect(fake.hub().fileAt('alice/later', 'model.safetensors')).toEqual(
      readFileSync(join(outputDir, 'model.safetensors')),
    );
  });
});

describe('failed pushes', () => {
  it('warn once during training; a later push that succeeds leaves train() resolved', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const outputDir = join(makeTempDir('ner-trainer-fail-'), 'flaky');
    const trainer = shortRunTrainer(outputDir, rows, {
      pushToHub: true,
      hubAlwaysPush: true,
      logLevel: 'warning',
      disableTqdm: true,
      maxSteps: 6,
    });
    let commits = 0;
    // The push of step 2 is refused; those of steps 4 and 6 go through.
    refuseCommits(() => ++commits === 1);
    const output = await trainer.train();
    expect(output.globalStep).toBe(6);
    const pushWarnings = warn.mock.calls.filter(([message]) => String(message).includes('flaky'));
    expect(pushWarnings).toHaveLength(1);
    expect(String(pushWarnings[0]![0])).toMatch(/Pushing checkpoint-2 .* to alice\/flaky failed: .*403/);
    expect(fake.hub().commitHistory('alice/flaky')[0]?.summary).toBe('Training in progress, step 6');
  });

  it('make train() reject with HubPushError at the end when the last push failed, after saving everything', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const outputDir = join(makeTempDir('ner-trainer-fail-'), 'down');
    const trainer = shortRunTrainer(outputDir, rows, { pushToHub: true });
    refuseCommits(() => true);
    const error = await trainer.train().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(HubPushError);
    expect((error as HubPushError).repoId).toBe('alice/down');
    expect((error as HubPushError).cause).toBeInstanceOf(HubAuthError);
    expect(trainer.state.globalStep).toBe(4);
    expect(existsSync(join(outputDir, 'checkpoint-4', 'model.safetensors'))).toBe(true);
    // The files stay; a later pushToHub sends them once the Hub accepts again.
    fake.hub().setInterceptor(undefined);
    const commit = await trainer.pushToHub();
    expect(commit?.commitMessage).toBe('End of training');
  });
});
