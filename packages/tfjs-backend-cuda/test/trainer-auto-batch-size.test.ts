// TrainingArguments.autoFindBatchSize on cuda (fake device with little memory): the allocator's
// CudaOutOfMemoryError, thrown from inside a training step, makes the Trainer halve the batch
// size and train again from the start; nothing of the failed attempts stays on the device.
import '@tensorflow/tfjs-backend-cpu';
import { BertConfig, BertForTokenClassification } from '@ner/models';
import { makeTempDir, removeTempDirs, tinyBertSizes } from '@ner/test-support';
import { Trainer } from '@ner/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import { CudaOutOfMemoryError } from '../src/errors.js';
import { cudaBackend, onRealGpu, useFakeCuda } from './fake-backend.js';
import { collateTokenRows, type TokenRow, tokenRows } from './token-rows.js';

afterAll(async () => {
  await tf.setBackend('cpu');
  removeTempDirs();
});

// 64 rows of 48 tokens: a step at 64 rows peaks near 10 MB on the device, at 32 near 5 MB, at 16
// near 2.5 MB (measured on the fake device), so 4 MiB fits batches of 16 and no more.
const rows = tokenRows(64, 48);

/** Trains 4 steps on a fresh fake device of `capacityBytes`; the batch sizes the steps tried. */
async function train(capacityBytes: number, args: object) {
  await useFakeCuda({ capacityBytes });
  /** Tensors alive before the run: what it leaves is the model and its optimizer's moments. */
  const before = tf.memory().numTensors;
  const tried: number[] = [];
  class Recording extends Trainer<TokenRow> {
    protected override trainingStep(...call: Parameters<Trainer['trainingStep']>) {
      tried.push((call[1].input_ids as { shape: number[] }).shape[0]!);
      return super.trainingStep(...call);
    }
  }
  const trainer = new Recording({
    model: new BertForTokenClassification(
      new BertConfig({ ...tinyBertSizes(1), numLabels: 3, maxPositionEmbeddings: 64 }),
      { seed: 6 },
    ),
    args: {
      outputDir: makeTempDir('ner-cuda-afbs-'),
      learningRate: 5e-3,
      maxSteps: 4,
      saveStrategy: 'no',
      reportTo: 'none',
      logLevel: 'error',
      ...args,
    },
    trainDataset: rows,
    dataCollator: collateTokenRows,
  });
  await trainer.train();
  const weights = trainer.model.namedParameters().map(([, variable]) => Array.from(variable.dataSync()));
  return {
    trainer,
    tried,
    weights,
    tensorsLeft: tf.memory().numTensors - before,
    bytesInUse: cudaBackend().memory().bytesInUse,
  };
}

it.skipIf(onRealGpu)(
  'out of device memory at 64 and 32 rows, it trains at 16: the same weights as a run at 16, nothing left behind',
  async () => {
    const plain = await train(256 * 1024 * 1024, { perDeviceTrainBatchSize: 16 });
    await expect(train(4 * 1024 * 1024, { perDeviceTrainBatchSize: 64 })).rejects.toThrow(
      CudaOutOfMemoryError,
    );
    const searched = await train(4 * 1024 * 1024, { perDeviceTrainBatchSize: 64, autoFindBatchSize: true });
    expect(searched.tried).toEqual([64, 32, 16, 16, 16, 16]);
    expect(searched.trainer.state.trainBatchSize).toBe(16);
    expect(searched.weights).toEqual(plain.weights);
    // The weights and moments, as after the plain run: the failed attempts' blocks were all freed.
    expect(searched.bytesInUse).toBe(plain.bytesInUse);
    expect(searched.tensorsLeft).toBe(plain.tensorsLeft);
  },
);
