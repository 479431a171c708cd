// TrainingArguments.gradientCheckpointing (Python's gradient_checkpointing): the Trainer turns it
// on in the model and trains to the same losses (dropout on); a model without it is refused.
import { describe, expect, it } from 'vitest';
import { Trainer, TrainerError, TrainingArguments } from '../src/index.js';
import type { TrainableModel } from '../src/trainable-model.js';
import { makeTempDir } from './temp-dirs.js';
import { collator, SHORT_RUN, syntheticRows, tinyModel, useCpuAndTempDirs } from './tiny.js';

useCpuAndTempDirs();

const rows = syntheticRows(16);

const run = async (gradientCheckpointing: boolean, model: TrainableModel = tinyModel(7, 3)) => {
  const trainer = new Trainer({
    model,
    args: { ...SHORT_RUN, outputDir: makeTempDir('ner-gc-'), saveStrategy: 'no', gradientCheckpointing },
    trainDataset: rows,
    dataCollator: collator,
  });
  await trainer.train();
  return trainer;
};

const losses = (trainer: { state: Trainer['state'] }) =>
  trainer.state.logHistory.filter((e) => 'loss' in e).map((e) => e.loss as number);

describe('gradientCheckpointing', () => {
  it("turns on the model's checkpointing and trains to the same losses, dropout on", async () => {
    const plain = await run(false);
    const checkpointed = await run(true);
    expect(
      (checkpointed.model as unknown as { isGradientCheckpointing: boolean }).isGradientCheckpointing,
    ).toBe(true);
    expect((plain.model as unknown as { isGradientCheckpointing: boolean }).isGradientCheckpointing).toBe(
      false,
    );
    const expected = losses(plain);
    expect(expected).toHaveLength(4);
    for (const [i, loss] of losses(checkpointed).entries()) expect(loss).toBeCloseTo(expected[i]!, 5);
  });

  it('is refused for a model that cannot, and written as gradient_checkpointing', async () => {
    const model = tinyModel(7, 3);
    // The same model seen through an interface without the method (a custom TrainableModel).
    const without = new Proxy(model, {
      get: (target, key) =>
        key === 'gradientCheckpointingEnable' ? undefined : Reflect.get(target, key, target),
    }) as TrainableModel;
    await expect(run(true, without)).rejects.toThrow(
      new TrainerError(
        'gradientCheckpointing: the model does not support gradient checkpointing (it has no gradientCheckpointingEnable method).',
      ),
    );
    const outputDir = makeTempDir('ner-gc-args-');
    expect(new TrainingArguments({ outputDir }).toJSON().gradient_checkpointing).toBe(false);
    expect(
      new TrainingArguments({ outputDir, gradientCheckpointing: true }).toJSON().gradient_checkpointing,
    ).toBe(true);
  });
});
