// The Trainer in 2 processes (per-device batch 4) against 1 process with batch 8: same global
// batches (accelerate deals batch k to process k mod 2), so the same losses and evaluation.
import '@tensorflow/tfjs-backend-cpu';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutoModelForSequenceClassification, BertConfig } from '@ner/models';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launch } from '@ner/accelerate';
import { Trainer } from '../src/index.js';
import { makeTempDir, removeTempDirs } from './temp-dirs.js';
import { SEQUENCE_RUN, sequenceRow, TINY_SEQUENCE_CONFIG } from './tiny.js';

afterEach(removeTempDirs);

const here = dirname(fileURLToPath(import.meta.url));

// No dropout, so per-process and combined batches see the same network.
const config = TINY_SEQUENCE_CONFIG;
// Equal-length rows: per-sample losses average the same way in both set-ups.
const rows = Array.from({ length: 24 }, (_, i) => sequenceRow(i));
const evalRows = Array.from({ length: 7 }, (_, i) => sequenceRow(100 + i));

beforeAll(async () => {
  if (!existsSync(join(here, '..', 'dist', 'index.js'))) {
    throw new Error(
      'The multi-process tests run the built package: run `npx tsup` in packages/trainer first.',
    );
  }
  await tf.setBackend('cpu');
});

describe('Trainer over 2 processes', () => {
  it('logs the losses of a 1-process run with the combined batch and evaluates every sample once', async () => {
    const out = makeTempDir('ner-trainer-dp-');
    await launch({
      nprocPerNode: 2,
      script: join(here, 'fixtures', 'trainer-worker.mjs'),
      args: [out, '4'],
      env: { NER_TRAINER_FIXTURE: JSON.stringify({ config, rows, evalRows, args: SEQUENCE_RUN }) },
      stdio: 'pipe',
    });
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
      logHistory: Record<string, number>[];
      metrics: Record<string, number>;
      predictionShape: number[];
      labels: number[];
      predictions: number[];
    };

    const model = AutoModelForSequenceClassification.fromConfig(new BertConfig(config), { seed: 5 });
    const single = new Trainer({
      model,
      args: { ...SEQUENCE_RUN, outputDir: makeTempDir('ner-trainer-dp-'), perDeviceTrainBatchSize: 8 },
      trainDataset: rows,
      evalDataset: evalRows,
    });
    await single.train();
    const metrics = await single.evaluate();
    const losses = (h: Record<string, number>[]) => h.filter((e) => e.loss !== undefined).map((e) => e.loss!);
    const expected = losses(single.state.logHistory);
    expect(expected).toHaveLength(6);
    const got = losses(result.logHistory);
    expect(got).toHaveLength(6);
    for (let i = 0; i < 6; i++) expect(got[i]).toBeCloseTo(expected[i]!, 4);
    // eval_loss repeats each batch's mean loss per sample, as Python does; the last batch of the
    // 2-process run also averages over the repeated samples, so it is only close, not equal.
    expect(Math.abs(result.metrics.eval_loss! - metrics.eval_loss!)).toBeLessThan(0.01);
    // The predictions themselves are the same, sample for sample.
    const singlePrediction = await single.predict(evalRows);
    let worst = 0;
    result.predictions.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - singlePrediction.predictions.data[i]!));
    });
    expect(worst).toBeLessThan(1e-5);
    // 7 samples over 2 processes with batch 3: the repeated ones are dropped.
    expect(result.predictionShape).toEqual([7, 2]);
    expect(result.labels).toEqual(evalRows.map((r) => r.labels));
    model.dispose();
  });
});
