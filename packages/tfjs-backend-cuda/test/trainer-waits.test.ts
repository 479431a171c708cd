// How often a Trainer step on cuda waits for the device (fake device: downloads counted). The
// loss is read once per step (NonFiniteLossError needs it before the update, as Python's
// `logging_nan_inf_filter` check reads it); nothing else is. The gradient clipping stays on the
// device, its norm read only when a log asks for `grad_norm`; the models' checks of the batch
// (ids in range, label classes) read the host copy the backend keeps of small uploads.
import '@tensorflow/tfjs-backend-cpu';
import { BertConfig, BertForTokenClassification } from '@ner/models';
import { makeTempDir, removeTempDirs, tinyBertSizes } from '@ner/test-support';
import { Trainer } from '@ner/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { getFallbackCounts, resetFallbackCounts } from '../src/fallback.js';
import { onRealGpu, useFakeCuda } from './fake-backend.js';

let device: FakeCudaDevice;
beforeAll(async () => {
  device = await useFakeCuda();
});
afterAll(async () => {
  await tf.setBackend('cpu');
  removeTempDirs();
});

const rows = Array.from({ length: 16 }, (_, i) => {
  const ids = [2, 4 + (i % 7), 5 + ((i * 3) % 11), 6 + ((i * 5) % 13), 3];
  return { input_ids: ids, labels: ids.map((id, j) => (j === 0 || j === 4 ? -100 : id % 3)) };
});
/** int32 columns as @ner/collate's collators give them (`{ data, shape, dtype }`). */
const column = (values: number[][]) => ({
  data: Int32Array.from(values.flat()),
  shape: [values.length, values[0]!.length],
  dtype: 'int32' as const,
});
const collate = (batch: typeof rows) => ({
  input_ids: column(batch.map((r) => r.input_ids)),
  attention_mask: column(batch.map((r) => r.input_ids.map(() => 1))),
  labels: column(batch.map((r) => r.labels)),
});

it.skipIf(onRealGpu)(
  'a clipped Trainer step downloads 4 bytes (its loss); a logging step also its grad_norm',
  async () => {
    const downloads: number[] = [];
    const trainer = new Trainer({
      model: new BertForTokenClassification(
        new BertConfig({ ...tinyBertSizes(1), numLabels: 3, maxPositionEmbeddings: 16 }),
        { seed: 6 },
      ),
      args: {
        outputDir: makeTempDir('ner-cuda-waits-'),
        perDeviceTrainBatchSize: 4,
        learningRate: 5e-3,
        maxGradNorm: 0.1,
        maxSteps: 4,
        loggingSteps: 2,
        saveStrategy: 'no',
        reportTo: 'none',
        logLevel: 'error',
      },
      trainDataset: rows,
      dataCollator: collate,
      callbacks: [
        {
          onStepBegin: () => {
            downloads.push(device.counters.bytesDownloaded);
          },
          onStepEnd: () => {
            downloads.push(device.counters.bytesDownloaded - downloads.pop()!);
          },
        },
      ],
    });
    resetFallbackCounts();
    await trainer.train();
    expect(getFallbackCounts()).toEqual({});
    // onStepEnd runs before the step's log: every step, logging or not, read its loss alone.
    expect(downloads).toEqual([4, 4, 4, 4]);
    const logged = trainer.state.logHistory.filter((entry) => entry.grad_norm !== undefined);
    expect(logged.map((entry) => entry.step)).toEqual([2, 4]);
    for (const entry of logged) expect(entry.grad_norm).toBeGreaterThan(0.1);
    trainer.dispose();
  },
);
