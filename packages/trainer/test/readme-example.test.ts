// The README snippets, with a temporary output folder and the console quiet.
import '@tensorflow/tfjs-backend-cpu';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataCollatorForTokenClassification } from '@ner/collate';
import { f1Score, predictionsToTags } from '@ner/seqeval';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, expect, it } from 'vitest';
import { Accelerator } from '@ner/accelerate';
import {
  AdamW,
  getScheduler,
  Trainer,
  TrainingArguments,
  toModelInputs,
  trainerParameterGroups,
} from '../src/index.js';
import { makeReadmeModel, readmeRows } from './readme-fixture.js';
import { makeTempDir, removeTempDirs } from './temp-dirs.js';

afterEach(removeTempDirs);

const labels = ['O', 'B-PER', 'I-PER'];
const makeModel = makeReadmeModel;
const rows = readmeRows;
const collator = new DataCollatorForTokenClassification({ padTokenId: 0 });

it('README Trainer example runs', async () => {
  await tf.setBackend('cpu');
  const out = makeTempDir('ner-readme-');
  const trainer = new Trainer({
    model: makeModel(),
    args: new TrainingArguments({
      outputDir: out,
      learningRate: 2e-5,
      numTrainEpochs: 3,
      weightDecay: 0.01,
      evalStrategy: 'epoch',
      saveStrategy: 'epoch',
      loadBestModelAtEnd: true,
      metricForBestModel: 'f1',
      logLevel: 'error',
    }),
    trainDataset: rows,
    evalDataset: rows,
    dataCollator: collator,
    computeMetrics: ({ predictions, labelIds }) => {
      // predictions: HostTensor [N, T, C] of logits, labelIds [N, T]; -100 = ignore / padding.
      const { yTrue, yPred } = predictionsToTags(predictions, labelIds!, labels);
      return { f1: f1Score(yTrue, yPred) as number };
    },
  });
  const { metrics } = await trainer.train();
  expect(metrics).toHaveProperty('train_loss');
  const evaluation = await trainer.evaluate();
  expect(evaluation).toHaveProperty('eval_f1');
  await trainer.saveModel(join(out, 'final'));
  expect(existsSync(join(out, 'final', 'model.safetensors'))).toBe(true);
  expect(existsSync(join(out, 'checkpoint-3', 'trainer_state.json'))).toBe(true);
});

it('README Accelerator example runs', async () => {
  const out = makeTempDir('ner-readme-');
  const model0 = makeModel();
  const accelerator = new Accelerator();
  const trainLoader = accelerator.prepareDataLoader(rows, {
    batchSize: 8,
    shuffle: true,
    collateFn: collator.collateFn,
  });
  const evalLoader = accelerator.prepareDataLoader(rows, { batchSize: 8, collateFn: collator.collateFn });
  const optimizer0 = new AdamW(trainerParameterGroups(model0, 0.01), { lr: 2e-5 });
  const scheduler0 = getScheduler('linear', optimizer0, {
    numWarmupSteps: 0,
    numTrainingSteps: 3 * trainLoader.length,
  });
  const [model, optimizer, scheduler] = await accelerator.prepare(model0, optimizer0, scheduler0);
  let gathered = 0;
  for (let epoch = 0; epoch < 3; epoch++) {
    for (const batch of trainLoader) {
      const inputs = toModelInputs(batch);
      const { loss, grads } = await accelerator.computeGradients(model, inputs);
      optimizer.step(grads);
      scheduler.step();
      tf.dispose([loss, ...grads.values(), ...Object.values(inputs)]);
    }
    for (const batch of evalLoader) {
      const inputs = toModelInputs(batch);
      const logits = tf.tidy(() => model.forward(inputs, { training: false }).logits);
      const predictions = await accelerator.gatherForMetrics(
        await accelerator.padAcrossProcesses(logits, { dim: 1, padIndex: -100 }),
      );
      const labelIds = await accelerator.gatherForMetrics(
        await accelerator.padAcrossProcesses(inputs.labels!, { dim: 1, padIndex: -100 }),
      );
      gathered += predictions.shape[0]! + labelIds.shape[0]!;
      tf.dispose([logits, ...Object.values(inputs)]);
    }
  }
  expect(gathered).toBe(12);
  expect(scheduler.getLastLr()[0]).toBe(0);
  await accelerator.save(accelerator.unwrapModel(model), join(out, 'accelerate'));
  await accelerator.endTraining();
  expect(existsSync(join(out, 'accelerate', 'config.json'))).toBe(true);
});
