// TrainingArguments.evalOnStart (Python's eval_on_start), evalDelay (eval_delay) and ignoreDataSkip
// (ignore_data_skip).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Trainer, TrainingArguments, TrainingArgumentsError } from '../src/index.js';
import { makeTempDir } from './temp-dirs.js';
import { collator, NO_DROPOUT, SHORT_RUN, syntheticRows, tinyModel, useCpuAndTempDirs } from './tiny.js';

useCpuAndTempDirs();

const rows = syntheticRows(16);

/** A Trainer that records the first input id row of every batch it trains on. */
class RecordingTrainer extends Trainer<(typeof rows)[number]> {
  readonly seen: string[] = [];
  protected override trainingStep(...args: Parameters<Trainer['trainingStep']>) {
    const ids = args[1].input_ids as { data: ArrayLike<number>; shape: number[] };
    this.seen.push(Array.from(ids.data).slice(0, ids.shape[1]).join(','));
    return super.trainingStep(...args);
  }
}

const trainer = (outputDir: string, args: object = {}) =>
  new RecordingTrainer({
    model: tinyModel(7, 3, NO_DROPOUT),
    args: { ...SHORT_RUN, outputDir, ...args },
    trainDataset: rows,
    evalDataset: rows,
    dataCollator: collator,
  });

describe('evalOnStart', () => {
  it('evaluates the untrained model before the first step and logs it at step 0', async () => {
    const expected = await trainer(makeTempDir('ner-eval-start-ref-')).evaluate();
    const t = trainer(makeTempDir('ner-eval-start-'), { evalOnStart: true, saveStrategy: 'no' });
    await t.train();
    const first = t.state.logHistory[0]!;
    expect(first.step).toBe(0);
    expect(first.eval_loss).toBeCloseTo(expected.eval_loss!, 6);
    expect(t.state.logHistory[1]!.loss).toBeDefined();
    const plain = trainer(makeTempDir('ner-eval-start-off-'), { saveStrategy: 'no' });
    await plain.train();
    expect(plain.state.logHistory.some((entry) => 'eval_loss' in entry)).toBe(false);
  });
});

describe('evalDelay', () => {
  const evalSteps = (t: { state: Trainer['state'] }) =>
    t.state.logHistory.filter((entry) => 'eval_loss' in entry).map((entry) => entry.step);

  it('skips the evaluations due before it: steps with the strategy steps, epochs with epoch', async () => {
    const bySteps = trainer(makeTempDir('ner-eval-delay-'), {
      evalStrategy: 'steps',
      evalSteps: 1,
      evalDelay: 3,
      saveStrategy: 'no',
    });
    await bySteps.train();
    expect(evalSteps(bySteps)).toEqual([3, 4]);
    // 16 rows in batches of 4, 3 epochs of 4 steps: epochs end at steps 4, 8, 12.
    const byEpochs = trainer(makeTempDir('ner-eval-delay-epochs-'), {
      evalStrategy: 'epoch',
      evalDelay: 2,
      maxSteps: -1,
      numTrainEpochs: 3,
      saveStrategy: 'no',
    });
    await byEpochs.train();
    expect(evalSteps(byEpochs)).toEqual([8, 12]);
    expect(
      () => new TrainingArguments({ outputDir: makeTempDir('ner-eval-delay-args-'), evalDelay: -1 }),
    ).toThrow('TrainingArguments.evalDelay: expected a non-negative number, got -1');
  });
});

describe('ignoreDataSkip', () => {
  it('a resumed run trains the interrupted epoch from its first batch; by default it skips the trained ones', async () => {
    // 16 rows in batches of 4: one epoch of 4 steps; checkpoint-2 is halfway through it.
    const out = makeTempDir('ner-data-skip-');
    const full = trainer(out);
    await full.train();
    expect(full.seen).toHaveLength(4);
    const checkpoint = join(out, 'checkpoint-2');
    const skipping = trainer(makeTempDir('ner-data-skip-a-'));
    await skipping.train({ resumeFromCheckpoint: checkpoint });
    expect(skipping.seen).toEqual(full.seen.slice(2));
    const restarting = trainer(makeTempDir('ner-data-skip-b-'), { ignoreDataSkip: true });
    await restarting.train({ resumeFromCheckpoint: checkpoint });
    // maxSteps 4 stops it after two more steps: the epoch's first two batches.
    expect(restarting.seen).toEqual(full.seen.slice(0, 2));
    expect(restarting.state.globalStep).toBe(4);
  });

  it('both are booleans, written under Python’s names', () => {
    const base = { outputDir: makeTempDir('ner-bool-args-') };
    expect(() => new TrainingArguments({ ...base, evalOnStart: 'yes' as never })).toThrow(
      new TrainingArgumentsError('evalOnStart', 'expected true or false, got "yes"'),
    );
    const json = new TrainingArguments({ ...base, ignoreDataSkip: true }).toJSON();
    expect(json.ignore_data_skip).toBe(true);
    expect(json.eval_on_start).toBe(false);
  });
});
