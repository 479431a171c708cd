// TF32 through @ner/models' setMatMulTf32 and the Trainer's `tf32` argument on cuda (fake
// device): products get TF32 once allowed; a device before Ampere (compute capability < 8.0)
// refuses it with @ner/models' Tf32UnsupportedError, before any training.
import '@tensorflow/tfjs-backend-cpu';
import {
  BertConfig,
  BertForTokenClassification,
  matMulTf32,
  setMatMulTf32,
  Tf32UnsupportedError,
  tf32Supported,
} from '@ner/models';
import { makeTempDir, removeTempDirs, tinyBertSizes } from '@ner/test-support';
import { Trainer } from '@ner/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, expect, it, vi } from 'vitest';
import type { GemmDesc } from '../src/device.js';
import { getAllowTf32, setAllowTf32 } from '../src/settings.js';
import { onRealGpu, useFakeCuda } from './fake-backend.js';
import { collateTokenRows, tokenRows } from './token-rows.js';

afterEach(() => setAllowTf32(false));
afterAll(async () => {
  await tf.setBackend('cpu');
  removeTempDirs();
});

const rows = tokenRows(8, 4);

const trainer = (tf32: boolean) =>
  new Trainer({
    model: new BertForTokenClassification(new BertConfig({ ...tinyBertSizes(1), numLabels: 3 }), { seed: 2 }),
    args: {
      outputDir: makeTempDir('ner-cuda-tf32-'),
      perDeviceTrainBatchSize: 4,
      maxSteps: 1,
      saveStrategy: 'no',
      reportTo: 'none',
      logLevel: 'error',
      tf32,
    },
    trainDataset: rows,
    dataCollator: collateTokenRows,
  });

it.skipIf(onRealGpu)(
  "TrainingArguments.tf32 sets the backend's switch; the step's matmuls then ask for TF32",
  async () => {
    const device = await useFakeCuda();
    expect(tf32Supported()).toBe(true);
    // Products by kind: the bias gradients' column sums (a 1-row product with a ones vector) stay
    // fp32 whatever the switch, as PyTorch reduces them; every matmul follows it.
    const asked = { matmuls: new Set<boolean>(), columnSums: new Set<boolean>() };
    const gemm = device.gemm.bind(device);
    vi.spyOn(device, 'gemm').mockImplementation((desc: GemmDesc) => {
      (desc.m === 1 ? asked.columnSums : asked.matmuls).add(desc.tf32);
      gemm(desc);
    });
    await trainer(true).train();
    expect(getAllowTf32()).toBe(true);
    expect(matMulTf32()).toBe(true);
    expect(asked).toEqual({ matmuls: new Set([true]), columnSums: new Set([false]) });
    asked.matmuls.clear();
    asked.columnSums.clear();
    await trainer(false).train();
    expect(getAllowTf32()).toBe(false);
    expect(asked).toEqual({ matmuls: new Set([false]), columnSums: new Set([false]) });
  },
);

it.skipIf(onRealGpu)(
  'a device before Ampere refuses it, naming its compute capability, before training',
  async () => {
    await useFakeCuda({ computeCapability: [7, 5] });
    expect(tf32Supported()).toBe(false);
    const refused = trainer(true);
    await expect(refused.train()).rejects.toThrow(Tf32UnsupportedError);
    await expect(refused.train()).rejects.toThrow(
      "the active backend 'cuda' cannot: the GPU has compute capability 7.5; TF32 needs 8.0 (Ampere) or newer",
    );
    expect(refused.state.globalStep).toBe(0);
    expect(getAllowTf32()).toBe(false);
    // Off is always allowed: the products stay exact fp32.
    expect(() => setMatMulTf32(false)).not.toThrow();
  },
);
