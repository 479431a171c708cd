// "Done when" of issue 6: a tiny BERT token classifier trained on a few hundred CoNLL-2003
// sentences, with the Trainer and with a hand-written Accelerator loop; seqeval F1 on those
// sentences must clearly rise.
import '@tensorflow/tfjs-backend-cpu';
import { DataCollatorForTokenClassification, type HostTensor } from '@ner/collate';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Accelerator } from '@ner/accelerate';
import { AdamW, getScheduler, Trainer, toModelInputs, trainerParameterGroups } from '../src/index.js';
import { conllFeatures, type Feature, seqevalF1, tinyConllModel } from './conll.js';
import { makeTempDir, removeTempDirs } from './temp-dirs.js';

afterEach(removeTempDirs);

const collator = new DataCollatorForTokenClassification({ padTokenId: 0 });
let features: Feature[] = [];
let vocabSize = 0;

beforeAll(async () => {
  await tf.setBackend('cpu');
  ({ features, vocabSize } = await conllFeatures(200));
});

describe('training on CoNLL-2003 sentences', () => {
  it('Trainer: seqeval F1 rises', async () => {
    expect(features).toHaveLength(200);
    const model = tinyConllModel(vocabSize);
    const trainer = new Trainer({
      model,
      args: {
        outputDir: makeTempDir('ner-conll-'),
        learningRate: 8e-3,
        numTrainEpochs: 3,
        perDeviceTrainBatchSize: 16,
        perDeviceEvalBatchSize: 64,
        weightDecay: 0.01,
        warmupRatio: 0.1,
        loggingSteps: 20,
        saveStrategy: 'no',
        reportTo: 'none',
        logLevel: 'error',
      },
      trainDataset: features,
      evalDataset: features,
      dataCollator: collator,
      computeMetrics: ({ predictions, labelIds }) => ({ f1: seqevalF1(predictions, labelIds as HostTensor) }),
    });
    const before = await trainer.evaluate();
    await trainer.train();
    const after = await trainer.evaluate();
    console.log(
      `Trainer on 200 CoNLL sentences: eval_f1 ${before.eval_f1!.toFixed(3)} → ${after.eval_f1!.toFixed(3)}, ` +
        `eval_loss ${before.eval_loss!.toFixed(3)} → ${after.eval_loss!.toFixed(3)}`,
    );
    expect(after.eval_f1! - before.eval_f1!).toBeGreaterThan(0.3);
    expect(after.eval_loss!).toBeLessThan(before.eval_loss! / 2);
    trainer.dispose();
    model.dispose();
  });

  it('Accelerator loop: seqeval F1 rises', async () => {
    const accelerator = new Accelerator();
    const model0 = tinyConllModel(vocabSize);
    const trainLoader0 = accelerator.prepareDataLoader(features, {
      batchSize: 16,
      shuffle: true,
      seed: 42,
      collateFn: collator.collateFn,
    });
    const evalLoader = accelerator.prepareDataLoader(features, {
      batchSize: 64,
      collateFn: collator.collateFn,
    });
    const epochs = 3;
    const optimizer0 = new AdamW(trainerParameterGroups(model0, 0.01), { lr: 8e-3 });
    const totalSteps = epochs * trainLoader0.length;
    const scheduler0 = getScheduler('linear', optimizer0, {
      numWarmupSteps: 0,
      numTrainingSteps: totalSteps,
    });
    const [model, optimizer, scheduler] = await accelerator.prepare(model0, optimizer0, scheduler0);

    async function evaluateF1(): Promise<number> {
      const preds: HostTensor[] = [];
      const labels: HostTensor[] = [];
      for (const batch of evalLoader) {
        const inputs = toModelInputs(batch);
        const logits = tf.tidy(() => model.forward(inputs as never, { training: false }).logits);
        const paddedLogits = await accelerator.padAcrossProcesses(logits, { dim: 1, padIndex: -100 });
        const paddedLabels = await accelerator.padAcrossProcesses(inputs.labels!, { dim: 1, padIndex: -100 });
        const gatheredLogits = await accelerator.gatherForMetrics(paddedLogits);
        const gatheredLabels = await accelerator.gatherForMetrics(paddedLabels);
        const { toHostTensor } = await import('./host.js');
        preds.push(toHostTensor(gatheredLogits));
        labels.push(toHostTensor(gatheredLabels));
        tf.dispose([logits, ...Object.values(inputs)]);
      }
      const { padAndConcatenate } = await import('../src/internal.js');
      return seqevalF1(padAndConcatenate(preds), padAndConcatenate(labels));
    }

    const before = await evaluateF1();
    const tensorCounts: number[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (const batch of trainLoader0) {
        const inputs = toModelInputs(batch);
        const { loss, grads } = await accelerator.computeGradients(model, inputs);
        const clipped = accelerator.clipGradNorm(grads, 1.0);
        optimizer.step(clipped.grads);
        scheduler.step();
        tf.dispose([loss, ...grads.values(), ...clipped.grads.values(), ...Object.values(inputs)]);
        tensorCounts.push(tf.memory().numTensors);
      }
    }
    // Flat across steps once AdamW has created its moments on step 1.
    expect(new Set(tensorCounts.slice(1)).size).toBe(1);
    const after = await evaluateF1();
    accelerator.print(
      `Accelerator loop on 200 CoNLL sentences: seqeval F1 ${before.toFixed(3)} → ${after.toFixed(3)}`,
    );
    expect(after - before).toBeGreaterThan(0.3);
    await accelerator.endTraining();
    optimizer.dispose();
    model.dispose();
  });
});
