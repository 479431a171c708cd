// The protected steps are the ones the loops call: overriding each changes what train/evaluate/predict do.
import * as tf from '@tensorflow/tfjs-core';
import type { PreparedDataLoader } from '@ner/accelerate';
import { describe, expect, it } from 'vitest';
import {
  type CollatedBatch,
  type EvalLoopOutput,
  type PredictionStepOutput,
  type TrainableModel,
  Trainer,
  type TrainingStepOutput,
} from '../src/index.js';
import { makeTempDir } from './temp-dirs.js';
import { collator, syntheticRows, tinyModel, useCpuAndTempDirs } from './tiny.js';

useCpuAndTempDirs();

class CountingTrainer<Row> extends Trainer<Row> {
  trainingSteps: number[] = [];
  predictionSteps = 0;
  loops: string[] = [];

  protected override trainingStep(
    model: TrainableModel,
    inputs: CollatedBatch,
    accumulationSteps?: number,
  ): TrainingStepOutput {
    this.trainingSteps.push(accumulationSteps ?? 0);
    return super.trainingStep(model, inputs, accumulationSteps);
  }

  protected override predictionStep(
    model: TrainableModel,
    inputs: CollatedBatch,
    predictionLossOnly: boolean,
    ignoreKeys?: string[],
  ): PredictionStepOutput {
    this.predictionSteps += 1;
    const step = super.predictionStep(model, inputs, predictionLossOnly, ignoreKeys);
    // Predictions shifted by 1000, so the test can tell they came through here.
    if (step.logits === undefined) return step;
    const shifted = tf.add(step.logits, 1000);
    step.logits.dispose();
    return { ...step, logits: shifted };
  }

  protected override async evaluationLoop(
    dataloader: PreparedDataLoader<Row, unknown>,
    description: string,
    predictionLossOnly?: boolean,
    ignoreKeys?: string[],
    metricKeyPrefix = 'eval',
  ): Promise<EvalLoopOutput> {
    this.loops.push(`${description}:${metricKeyPrefix}:${predictionLossOnly}`);
    return super.evaluationLoop(dataloader, description, predictionLossOnly, ignoreKeys, metricKeyPrefix);
  }
}

describe('extension points', () => {
  it('train, evaluate and predict go through trainingStep, predictionStep and evaluationLoop', async () => {
    const rows = syntheticRows(12);
    const trainer = new CountingTrainer({
      model: tinyModel(),
      args: {
        outputDir: makeTempDir('ner-steps-'),
        perDeviceTrainBatchSize: 4,
        perDeviceEvalBatchSize: 4,
        gradientAccumulationSteps: 2,
        numTrainEpochs: 1,
        saveStrategy: 'no',
        reportTo: 'none',
        logLevel: 'error',
      },
      trainDataset: rows,
      evalDataset: rows,
      dataCollator: collator,
    });
    const out = await trainer.train();
    // 3 micro-batches, accumulation 2: a full group of 2, then the epoch's leftover group of 1.
    expect(trainer.trainingSteps).toEqual([2, 2, 1]);
    expect(out.globalStep).toBe(2);

    const metrics = await trainer.evaluate(undefined, undefined, 'dev');
    expect(Object.keys(metrics)[0]).toBe('dev_loss');
    const predicted = await trainer.predict(rows);
    const ignored = await trainer.predict(rows, ['logits']);
    // Without computeMetrics, evaluate() asks for the loss only, as Python does.
    expect(trainer.loops).toEqual([
      'Evaluation:dev:true',
      'Prediction:test:undefined',
      'Prediction:test:undefined',
    ]);
    expect(trainer.predictionSteps).toBe(9);
    expect(Math.min(...predicted.predictions.data.filter((v) => v !== -100))).toBeGreaterThan(900);
    expect(ignored.predictions.shape).toEqual([0]);
    expect(ignored.labelIds?.shape).toEqual(predicted.labelIds?.shape);
    expect(ignored.metrics.test_loss).toBeCloseTo(predicted.metrics.test_loss!, 6);
  });
});
