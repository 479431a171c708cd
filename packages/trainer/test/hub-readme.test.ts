// The README's "Share your model" snippet, against the fake Hub (HF_ENDPOINT, HF_TOKEN) and a temp folder.
import { join } from 'node:path';
import { DataCollatorForTokenClassification } from '@ner/collate';
import { AutoModelForTokenClassification } from '@ner/models';
import { expect, it } from 'vitest';
import { Trainer, TrainingArguments } from '../src/index.js';
import { useFakeHub } from './hub-fixture.js';
import { makeReadmeModel, readmeRows } from './readme-fixture.js';
import { makeTempDir } from './temp-dirs.js';
import { useCpuAndTempDirs } from './tiny.js';

useCpuAndTempDirs();
const fake = useFakeHub();

it('README "Share your model" runs and the pushed model loads by its id', async () => {
  const model = makeReadmeModel();
  const rows = readmeRows;
  const outputDir = join(makeTempDir('ner-readme-hub-'), 'bert-finetuned-ner');
  const trainer = new Trainer({
    model,
    args: new TrainingArguments({
      outputDir,
      hubModelId: 'alice/bert-finetuned-ner',
      pushToHub: true,
      saveStrategy: 'epoch',
      logLevel: 'error',
    }),
    trainDataset: rows,
    dataCollator: new DataCollatorForTokenClassification({ padTokenId: 0 }),
  });
  await trainer.train();
  const commit = await trainer.pushToHub({ datasetTags: 'wnut_17', language: 'en', license: 'apache-2.0' });
  expect(commit?.commitUrl).toMatch(
    new RegExp(`^${fake.hub().endpoint}/alice/bert-finetuned-ner/commit/[0-9a-f]{40}$`),
  );
  // Saves that come while a push uploads may replace one waiting: only the newest two are certain.
  expect(
    fake
      .hub()
      .commitHistory('alice/bert-finetuned-ner')
      .slice(0, 2)
      .map((c) => c.summary),
  ).toEqual(['End of training', 'Training in progress, epoch 3']);
  const loaded = await AutoModelForTokenClassification.fromPretrained('alice/bert-finetuned-ner', {
    cacheDir: makeTempDir('ner-readme-hub-cache-'),
  });
  expect(loaded.config.id2label).toEqual({ 0: 'O', 1: 'B-PER', 2: 'I-PER' });
});
