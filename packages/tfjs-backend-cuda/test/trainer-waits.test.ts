// How often a Trainer step on cuda waits for the device (fake device: downloads counted). The
// loss is read once per step (NonFiniteLossError needs it before the update, as Python's
// `logging_nan_inf_filter` check reads it); nothing else is. The gradient clipping stays on the
// device, its norm read only when a log asks for `grad_norm`; the models' checks of the batch
// (ids in range, label classes) read the host copy the backend keeps of small uploads. And an
// evaluation queues each batch's forward before it waits for the batch before.
import '@tensorflow/tfjs-backend-cpu';
import { BertConfig, BertForTokenClassification } from '@ner/models';
import { makeTempDir, removeTempDirs, tinyBertSizes } from '@ner/test-support';
import { Trainer } from '@ner/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { FakeCudaDevice } from '../src/fake/fake-device.js';
import { getFallbackCounts, resetFallbackCounts } from '../src/fallback.js';
import { onRealGpu, useFakeCuda } from './fake-backend.js';
import { collateTokenRows } from './token-rows.js';

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
      dataCollator: collateTokenRows,
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

it.skipIf(onRealGpu)(
  "evaluate() queues batch i + 1's forward before it waits for batch i's logits",
  async () => {
    const trainer = new Trainer({
      model: new BertForTokenClassification(
        new BertConfig({ ...tinyBertSizes(1), numLabels: 3, maxPositionEmbeddings: 16 }),
        { seed: 7 },
      ),
      args: {
        outputDir: makeTempDir('ner-cuda-eval-'),
        perDeviceEvalBatchSize: 4,
        reportTo: 'none',
        logLevel: 'error',
      },
      evalDataset: rows.slice(0, 12),
      dataCollator: collateTokenRows,
      computeMetrics: () => ({ checked: 1 }),
    });
    // Each asynchronous read of a batch's results, and the launches made while it was in flight.
    const reads: { launchesWhileReading: number; done: boolean }[] = [];
    const launch = device.launch.bind(device);
    const downloadAsync = device.downloadAsync.bind(device);
    const launchSpy = vi.spyOn(device, 'launch').mockImplementation((...args) => {
      for (const read of reads) if (!read.done) read.launchesWhileReading += 1;
      launch(...args);
    });
    const readSpy = vi.spyOn(device, 'downloadAsync').mockImplementation(async (dst, src) => {
      const read = { launchesWhileReading: 0, done: false };
      reads.push(read);
      await downloadAsync(dst, src);
      read.done = true;
    });
    const plain = await (async () => {
      try {
        return await trainer.evaluate();
      } finally {
        launchSpy.mockRestore();
        readSpy.mockRestore();
      }
    })();
    expect(plain.eval_checked).toBe(1);
    // 3 batches, each reading its loss and logits (labels: host copies). The first two batches'
    // reads overlap the next batch's forward; the last one's has nothing after it.
    expect(reads).toHaveLength(6);
    const overlapped = reads.map((read) => read.launchesWhileReading > 0);
    expect(overlapped).toEqual([true, true, true, true, false, false]);
    // Reading ahead changes no number: a second evaluation gives the same loss.
    const again = await trainer.evaluate();
    expect(again.eval_loss).toBe(plain.eval_loss);
    trainer.dispose();
  },
);
