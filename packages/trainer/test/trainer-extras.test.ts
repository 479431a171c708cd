import { join } from 'node:path';
import { AutoModelForSequenceClassification, BertConfig } from '@ner/models';
import { describe, expect, it } from 'vitest';
import {
  loadModelWeights,
  ProgressCallback,
  Trainer,
  TrainerState,
  TrainingArguments,
} from '../src/index.js';
import { makeTempDir } from './temp-dirs.js';
import {
  collator,
  SEQUENCE_RUN,
  sequenceRow,
  syntheticRows,
  TINY_SEQUENCE_CONFIG,
  tinyModel,
  useCpuAndTempDirs,
} from './tiny.js';

useCpuAndTempDirs();

const seqRows = Array.from({ length: 24 }, (_, i) => sequenceRow(i));

function run(batch: number, accumulation: number) {
  const model = AutoModelForSequenceClassification.fromConfig(new BertConfig(TINY_SEQUENCE_CONFIG), {
    seed: 5,
  });
  return {
    model,
    trainer: new Trainer({
      model,
      args: {
        ...SEQUENCE_RUN,
        outputDir: makeTempDir('ner-accum-'),
        perDeviceTrainBatchSize: batch,
        gradientAccumulationSteps: accumulation,
      },
      trainDataset: seqRows,
    }),
  };
}

describe('gradient accumulation', () => {
  it('batch 4 × accumulation 2 equals batch 8 (same samples per update, no dropout)', async () => {
    const a = run(8, 1);
    const b = run(4, 2);
    await a.trainer.train();
    await b.trainer.train();
    expect(b.trainer.state.globalStep).toBe(6);
    const losses = (t: Trainer<unknown>) =>
      t.state.logHistory.filter((e) => e.loss !== undefined).map((e) => e.loss);
    expect(losses(b.trainer as Trainer<unknown>)).toEqual(losses(a.trainer as Trainer<unknown>));
    for (const [name, variable] of a.model.namedParameters()) {
      const other = b.model.parameters.get(name)!.dataSync();
      const mine = variable.dataSync();
      for (let i = 0; i < mine.length; i++) expect(Math.abs(mine[i]! - other[i]!)).toBeLessThan(1e-5);
    }
  });
  it('makes an extra, smaller update from the leftover micro-batches of an epoch', async () => {
    // 24 rows / batch 4 = 6 micro-batches; accumulation 4 → updates of 4 and 2 micro-batches.
    const { trainer } = run(4, 4);
    const out = await trainer.train();
    expect(out.globalStep).toBe(4);
    expect(trainer.state.logHistory.filter((e) => e.loss !== undefined).map((e) => e.epoch)).toEqual([
      0.67, 1, 1.67, 2,
    ]);
  });
});

describe('ProgressCallback', () => {
  it('prints plain progress lines and logs without a TTY', () => {
    const lines: string[] = [];
    const progress = new ProgressCallback({ write: (l) => lines.push(l), tty: false });
    const args = new TrainingArguments({ outputDir: 'o', loggingSteps: 2 });
    const state = new TrainerState();
    state.maxSteps = 4;
    progress.onTrainBegin(args, state);
    for (let step = 1; step <= 4; step++) {
      state.globalStep = step;
      progress.onStepEnd(args, state);
      if (step === 2)
        progress.onLog(args, state, {} as never, {
          logs: { loss: 0.5, learning_rate: 1e-3, epoch: 0.5, step: 2 },
        });
    }
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^step 2\/4 \| [\d.]+ it\/s \| ETA \d\d:\d\d$/);
    expect(lines[1]).toBe('{"loss":0.5,"learning_rate":0.001,"epoch":0.5}');
    expect(lines[2]).toMatch(/^step 4\/4 .* \| loss 0\.5000$/);
  });
});

describe('loadBestModelAtEnd', () => {
  it('ends with the weights of the best checkpoint', async () => {
    const out = makeTempDir('ner-best-');
    const scores = [0.2, 0.9, 0.1];
    let call = 0;
    const model = tinyModel();
    const trainer = new Trainer({
      model,
      args: {
        outputDir: out,
        perDeviceTrainBatchSize: 8,
        learningRate: 1e-2,
        numTrainEpochs: 3,
        evalStrategy: 'epoch',
        saveStrategy: 'epoch',
        loadBestModelAtEnd: true,
        metricForBestModel: 'f1',
        reportTo: 'none',
        logLevel: 'error',
      },
      trainDataset: syntheticRows(16),
      evalDataset: syntheticRows(4, 3),
      dataCollator: collator,
      computeMetrics: () => ({ f1: scores[call++]! }),
    });
    await trainer.train();
    expect(trainer.state.bestModelCheckpoint).toBe(join(out, 'checkpoint-4'));
    const reference = tinyModel(99);
    await loadModelWeights(join(out, 'checkpoint-4'), reference.namedParameters());
    for (const [name, variable] of model.namedParameters()) {
      expect([...variable.dataSync()]).toEqual([...reference.parameters.get(name)!.dataSync()]);
    }
  });
});
