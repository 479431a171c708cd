// TrainingArguments.bf16: checked as a boolean, refused before any work on a backend without bf16
// matmuls, and on native every matmul of the training and evaluation steps runs under bf16
// autocast (and none outside them), with losses close to an fp32 run of the same batches.
import '@tensorflow/tfjs-backend-cpu';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Accelerator } from '@ner/accelerate';
import { AutocastUnsupportedError } from '@ner/models';
import { nativeBackendInfo } from '@ner/tfjs-backend-native';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Trainer, TrainingArguments, TrainingArgumentsError } from '../src/index.js';
import { makeTempDir, removeTempDirs } from './temp-dirs.js';
import { collator, SHORT_RUN, shortRunTrainer, syntheticRows, tinyModel } from './tiny.js';

afterEach(removeTempDirs);
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('TrainingArguments.bf16', () => {
  it('defaults to false, is saved as Python names it, and must be a boolean', () => {
    expect(new TrainingArguments({ outputDir: 'out' }).bf16).toBe(false);
    expect(new TrainingArguments({ outputDir: 'out', bf16: true }).toJSON().bf16).toBe(true);
    expect(() => new TrainingArguments({ outputDir: 'out', bf16: 'yes' as never })).toThrow(
      TrainingArgumentsError,
    );
    expect(() => new TrainingArguments({ outputDir: 'out', bf16: 1 as never })).toThrow(
      /bf16.*expected true or false, got 1/,
    );
  });

  it('on cpu: train and evaluate fail first, naming the backend, and write nothing', async () => {
    await tf.setBackend('cpu');
    const outputDir = join(makeTempDir('ner-bf16-'), 'run');
    const trainer = shortRunTrainer(outputDir, syntheticRows(16), { bf16: true });
    await expect(trainer.train()).rejects.toThrow(AutocastUnsupportedError);
    await expect(trainer.train()).rejects.toThrow(/active backend 'cpu' has none/);
    await expect(trainer.evaluate(syntheticRows(4))).rejects.toThrow(AutocastUnsupportedError);
    expect(existsSync(join(outputDir, 'checkpoint-2'))).toBe(false);
  });

  it('an Accelerator made for bf16 (ner-launch --mixed-precision bf16) asks for it too', async () => {
    await tf.setBackend('cpu');
    const trainer = new Trainer({
      model: tinyModel(),
      args: { ...SHORT_RUN, outputDir: join(makeTempDir('ner-bf16-'), 'run') },
      trainDataset: syntheticRows(16),
      dataCollator: collator,
      accelerator: new Accelerator({ mixedPrecision: 'bf16' }),
    });
    await expect(trainer.train()).rejects.toThrow(AutocastUnsupportedError);
  });
});

const native = nativeBackendInfo();
if (!native.available) console.warn(`[@ner/trainer tests] bf16 training tests skipped: ${native.reason}`);

describe.skipIf(!native.available)('bf16 training on native', () => {
  /** The autocast dtype at every matmul kernel while `run` goes, and the losses it logged. */
  async function matmulPrecisions(bf16: boolean) {
    await tf.setBackend('native');
    const backend = tf.backend() as unknown as { matMulAutocast(): string | null };
    const seen: (string | null)[] = [];
    const engine = tf.engine();
    const runKernel = engine.runKernel.bind(engine);
    const spy = vi.spyOn(engine, 'runKernel').mockImplementation((name, inputs, attrs) => {
      if (name === tf.BatchMatMul || name === tf._FusedMatMul) seen.push(backend.matMulAutocast());
      return runKernel(name, inputs, attrs);
    });
    const trainer = shortRunTrainer(join(makeTempDir('ner-bf16-'), 'run'), syntheticRows(16), {
      bf16,
      saveStrategy: 'no',
    });
    try {
      await trainer.train();
      await trainer.evaluate(syntheticRows(8, 3));
    } finally {
      spy.mockRestore();
    }
    const losses = trainer.state.logHistory.flatMap((entry) =>
      typeof entry.loss === 'number' ? [entry.loss] : [],
    );
    return { seen, losses, after: backend.matMulAutocast() };
  }

  it('every matmul of the steps runs under bf16 autocast, and autocast is off afterwards', async () => {
    const { seen, after } = await matmulPrecisions(true);
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set(['bf16']));
    expect(after).toBeNull();
  });

  it('losses stay close to the fp32 run of the same batches', async () => {
    const fp32 = await matmulPrecisions(false);
    const bf16 = await matmulPrecisions(true);
    expect(new Set(fp32.seen)).toEqual(new Set([null]));
    expect(bf16.losses).toHaveLength(fp32.losses.length);
    expect(bf16.losses).not.toEqual(fp32.losses);
    for (const [i, loss] of bf16.losses.entries()) {
      expect(Math.abs(loss - fp32.losses[i]!) / fp32.losses[i]!).toBeLessThan(2e-2);
    }
  });
});
