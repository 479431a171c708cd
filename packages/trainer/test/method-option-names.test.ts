// The Trainer's methods refuse option names they do not take, as Python's `train()` raises
// `TypeError: train() got 1 unexpected keyword arguments`: `train({ resume_from_checkpoint: true })`
// would otherwise train from scratch, ignoring the checkpoint.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrainerError } from '../src/index.js';
import { makeTempDir } from './temp-dirs.js';
import { shortRunTrainer, syntheticRows, useCpuAndTempDirs } from './tiny.js';

useCpuAndTempDirs();

describe('Trainer method option names', () => {
  it('train refuses Python spellings and typos before it starts', async () => {
    const outputDir = join(makeTempDir('ner-method-names-'), 'out');
    const trainer = shortRunTrainer(outputDir, syntheticRows(8));
    await expect(trainer.train({ resume_from_checkpoint: true } as object)).rejects.toThrow(
      "Trainer.train: resume_from_checkpoint: unknown option; that is Python's spelling, here it is resumeFromCheckpoint",
    );
    await expect(trainer.train({ resumeFromCheckpont: true } as object)).rejects.toThrow(TrainerError);
    await expect(trainer.train({ resumeFromCheckpont: true } as object)).rejects.toThrow(
      /did you mean resumeFromCheckpoint\?$/,
    );
    await expect(trainer.train({ trial: { lr: 1 } } as object)).rejects.toThrow(
      /^Trainer\.train: trial: not supported here: there is no hyperparameter search here$/,
    );
    expect(existsSync(outputDir)).toBe(false);
    expect(trainer.state.globalStep).toBe(0);
  });

  it('train takes its own option and Python-only ones left null', async () => {
    const trainer = shortRunTrainer(join(makeTempDir('ner-method-names-'), 'out'), syntheticRows(8), {
      maxSteps: 1,
      saveStrategy: 'no',
    });
    const output = await trainer.train({
      resumeFromCheckpoint: undefined,
      trial: null,
      ignoreKeysForEval: null,
    } as object);
    expect(output.globalStep).toBe(1);
  });

  it('pushToHub and createModelCard refuse what the card does not take', async () => {
    const trainer = shortRunTrainer(join(makeTempDir('ner-method-names-'), 'out'), syntheticRows(8));
    await expect(trainer.pushToHub({ commit_message: 'x' } as object)).rejects.toThrow(
      /^Trainer\.pushToHub: commit_message: unknown option; that is Python's spelling, here it is commitMessage$/,
    );
    await expect(trainer.pushToHub({ finetuned_from: 'bert-base-cased' } as object)).rejects.toThrow(
      /here it is finetunedFrom$/,
    );
    await expect(trainer.hub.createModelCard({ licence: 'mit' } as object)).rejects.toThrow(
      /^Trainer\.hub\.createModelCard: licence: unknown option; did you mean license\?$/,
    );
  });
});
