// The model card saveModel writes (offline: no Hub involved) and the Hub fields of TrainingArguments.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainerHyperparameters } from '../src/hub-model-card.js';
import { Trainer, TrainingArguments } from '../src/index.js';
import { makeTempDir } from './temp-dirs.js';
import { collator, SHORT_RUN, syntheticRows, tinyModel, useCpuAndTempDirs } from './tiny.js';

useCpuAndTempDirs();

const rows = syntheticRows(16);

function evaluatingTrainer(outputDir: string) {
  let call = 0;
  return new Trainer({
    model: tinyModel(),
    args: { ...SHORT_RUN, outputDir, saveStrategy: 'no', evalStrategy: 'steps', evalSteps: 2 },
    trainDataset: rows,
    evalDataset: rows.slice(0, 4),
    dataCollator: collator,
    computeMetrics: () => ({ f1: [0.5, 0.75][call++] ?? 0, precision: 0.25 }),
  });
}

describe('the model card saveModel writes', () => {
  it('has the metadata, results, hyperparameters, results table and versions transformers writes', async () => {
    const outputDir = join(makeTempDir('ner-trainer-card-'), 'card-run');
    const trainer = evaluatingTrainer(outputDir);
    await trainer.train();
    await trainer.saveModel();
    const card = readFileSync(join(outputDir, 'README.md'), 'utf8');
    expect(card.startsWith('---\nlibrary_name: transformers\ntags:\n- generated_from_trainer\n')).toBe(true);
    expect(card).toContain('metrics:\n- f1\n- precision\n');
    expect(card).toContain('model-index:\n- name: card-run\n');
    expect(card).toContain('# card-run\n\nThis model was trained from scratch on an unknown dataset.');
    // The last evaluation (step 4) is the card's result.
    expect(card).toMatch(
      /It achieves the following results on the evaluation set:\n- Loss: [\d.]+\n- F1: 0\.75\n- Precision: 0\.25\n/,
    );
    expect(card).toContain('Trained in Node.js with [@ner/trainer]');
    for (const line of [
      '- learning_rate: 0.005',
      '- train_batch_size: 4',
      '- eval_batch_size: 8',
      '- seed: 42',
      '- optimizer: AdamW with betas=(0.9,0.999) and epsilon=1e-08',
      '- lr_scheduler_type: linear',
      '- training_steps: 4',
    ])
      expect(card).toContain(`${line}\n`);
    expect(card).not.toContain('num_epochs');
    expect(card).toMatch(/\| Training Loss \| Epoch \| Step \| Validation Loss \| F1 +\| Precision \|\n/);
    expect(card).toMatch(
      /\n\| [\d.]+ +\| 0\.5 +\| 2 +\| [\d.]+ +\| 0\.5 +\| 0\.25 +\|\n\| [\d.]+ +\| 1\.0 +\| 4 +\| [\d.]+ +\| 0\.75 \| 0\.25 +\|\n/,
    );
    expect(card).toMatch(
      /\n- @ner\/trainer \d+\.\d+\.\d+\n- TensorFlow\.js \(tfjs-core\) 4\.\d+\.\d+\n- Node\.js v\d+/,
    );
  });

  it('keeps what createModelCard was told (datasets, task) for later saves, with model-index results', async () => {
    const outputDir = join(makeTempDir('ner-trainer-card-'), 'wnut-run');
    const trainer = evaluatingTrainer(outputDir);
    await trainer.train();
    await trainer.hub.createModelCard({
      datasetTags: 'wnut_17',
      language: 'en',
      license: 'apache-2.0',
      tags: 'ner',
    });
    await trainer.saveModel(join(outputDir, 'final'));
    const card = readFileSync(join(outputDir, 'final', 'README.md'), 'utf8');
    expect(card).toContain(
      'language:\n- en\nlicense: apache-2.0\ntags:\n- ner\n- generated_from_trainer\ndatasets:\n- wnut_17\n',
    );
    expect(card).toContain('This model was trained from scratch on the wnut_17 dataset.');
    expect(card).toContain('task:\n      name: Token Classification\n      type: token-classification');
    expect(card).toMatch(/- name: F1\n\s+type: f1\n\s+value: 0\.75\n/);
  });
});

describe('what the card infers', () => {
  it('names a Hub base model from the config and never a local folder', async () => {
    const outputDir = join(makeTempDir('ner-trainer-card-'), 'base');
    const trainer = evaluatingTrainer(outputDir);
    const config = trainer.model.config as { nameOrPath: string };
    config.nameOrPath = 'distilbert/distilbert-base-uncased';
    await trainer.saveModel();
    let card = readFileSync(join(outputDir, 'README.md'), 'utf8');
    expect(card).toContain('base_model: distilbert/distilbert-base-uncased\n');
    expect(card).toContain(
      'This model is a fine-tuned version of [distilbert/distilbert-base-uncased](https://huggingface.co/distilbert/distilbert-base-uncased) on an unknown dataset.',
    );
    config.nameOrPath = outputDir; // a local folder: Python leaves base_model out
    await trainer.saveModel();
    card = readFileSync(join(outputDir, 'README.md'), 'utf8');
    expect(card).not.toContain('base_model');
  });

  it('lists the hyperparameters transformers lists: epochs as a float, totals over processes and accumulation', () => {
    const args = new TrainingArguments({
      outputDir: 'o',
      numTrainEpochs: 3,
      gradientAccumulationSteps: 2,
      warmupRatio: 0.1,
    });
    expect(trainerHyperparameters(args, 2)).toEqual({
      learning_rate: 5e-5,
      train_batch_size: 8,
      eval_batch_size: 8,
      seed: 42,
      distributed_type: 'multi-process',
      num_devices: 2,
      gradient_accumulation_steps: 2,
      total_train_batch_size: 32,
      total_eval_batch_size: 16,
      optimizer: 'AdamW with betas=(0.9,0.999) and epsilon=1e-08',
      lr_scheduler_type: 'linear',
      lr_scheduler_warmup_ratio: 0.1,
      num_epochs: '3.0',
    });
  });
});

describe('TrainingArguments Hub fields', () => {
  it("default as Python's and never write the token", () => {
    const args = new TrainingArguments({ outputDir: 'out/x' });
    expect([args.pushToHub, args.hubModelId, args.hubStrategy, args.hubPrivateRepo, args.hubToken]).toEqual([
      false,
      undefined,
      'every_save',
      false,
      undefined,
    ]);
    const json = args.toJSON();
    expect(json.hub_token).toBe('<HUB_TOKEN>');
    expect(json.hub_model_id).toBeNull();
    expect(json.hub_strategy).toBe('every_save');
    expect(json.push_to_hub).toBe(false);
    const secret = new TrainingArguments({ outputDir: 'o', pushToHub: true, hubToken: 'hf_secret_value' });
    expect(JSON.stringify(secret.toJSON())).not.toContain('hf_secret_value');
    expect(secret.with({ hubStrategy: 'checkpoint' }).hubToken).toBe('hf_secret_value');
  });
});
