// Resuming from a damaged checkpoint folder (an edited, truncated or mixed-up
// trainer_state.json, optimizer or scheduler file) must fail with a
// CheckpointError that names the file and the field, before anything is
// loaded: the model, the optimizer, the scheduler and the trainer state stay
// as they were, and a wrong value is never taken silently (a string
// global_step used to restart the run at step 0).
import '@tensorflow/tfjs-backend-cpu';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryToFloat32, parseSafetensors, serializeSafetensors } from '@ner/models';
import type * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CheckpointError, Trainer } from '../../src/index.js';
import { makeTempDir } from '../temp-dirs.js';
import {
  collator,
  SHORT_RUN,
  shortRunTrainer,
  syntheticRows,
  tinyModel,
  useCpuAndTempDirs,
} from '../tiny.js';

const rows = syntheticRows(16);

useCpuAndTempDirs();

/** A whole checkpoint-2 written by a real run, copied for each case (kept outside the per-test temp folders). */
let pristineRoot: string;
let pristine: string;

beforeAll(async () => {
  pristineRoot = mkdtempSync(join(tmpdir(), 'ner-resume-pristine-'));
  await shortRunTrainer(pristineRoot, rows, { maxSteps: 2 }).train();
  pristine = join(pristineRoot, 'checkpoint-2');
}, 60_000);

afterAll(() => rmSync(pristineRoot, { recursive: true, force: true }));

/** A copy of the pristine checkpoint with `damage` applied to it. */
function damaged(damage: (dir: string) => void): string {
  const dir = join(makeTempDir('ner-resume-damaged-'), 'checkpoint-2');
  cpSync(pristine, dir, { recursive: true });
  damage(dir);
  return dir;
}

function editJson(file: string, edit: (json: Record<string, unknown>) => unknown): (dir: string) => void {
  return (dir) => {
    const path = join(dir, file);
    const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const edited = edit(json);
    writeFileSync(path, typeof edited === 'string' ? edited : JSON.stringify(edited ?? json));
  };
}

function editTensors(
  file: string,
  edit: (tensors: Map<string, { shape: number[]; data: Float32Array }>) => void,
): (dir: string) => void {
  return (dir) => {
    const path = join(dir, file);
    const parsed = parseSafetensors(readFileSync(path), path);
    const tensors = new Map(
      [...parsed.tensors].map(([name, entry]) => [
        name,
        { shape: [...entry.shape], data: entryToFloat32(entry, name) },
      ]),
    );
    edit(tensors);
    writeFileSync(path, serializeSafetensors(tensors, parsed.metadata));
  };
}

/** The values of every weight and of the trainer's state, to show a failed resume changed nothing. */
function weightsOf(params: readonly (readonly [string, tf.Variable])[]): Record<string, number[]> {
  return Object.fromEntries(params.map(([name, v]) => [name, [...(v.dataSync() as Float32Array)]]));
}

/** Resumes a fresh trainer (another seed) from `dir`; the error it throws, and whether anything moved. */
async function resumeError(dir: string): Promise<{ error: unknown; untouched: boolean }> {
  const trainer = new Trainer({
    model: tinyModel(123),
    args: { ...SHORT_RUN, outputDir: makeTempDir('ner-resume-out-') },
    trainDataset: rows,
    dataCollator: collator,
  });
  const before = weightsOf(trainer.model.namedParameters());
  const error = await trainer.train({ resumeFromCheckpoint: dir }).catch((e: unknown) => e);
  const after = weightsOf(trainer.model.namedParameters());
  const untouched =
    JSON.stringify(before) === JSON.stringify(after) &&
    trainer.state.globalStep === 0 &&
    trainer.state.logHistory.length === 0;
  return { error, untouched };
}

const STATE = 'trainer_state.json';
const OPTIMIZER = 'optimizer.json';
const MOMENTS = 'optimizer.safetensors';
const SCHEDULER = 'scheduler.json';

// [what is damaged, the damage, what the message must say]
const CASES: [string, (dir: string) => void, RegExp][] = [
  [
    'trainer_state.json holds null',
    editJson(STATE, () => 'null'),
    /trainer_state\.json must hold a JSON object, not null/,
  ],
  [
    'trainer_state.json holds an array',
    editJson(STATE, () => '[]'),
    /trainer_state\.json must hold a JSON object, not \[\]/,
  ],
  [
    'trainer_state.json is not JSON',
    editJson(STATE, () => '{"global_step": 2,'),
    /trainer_state\.json is not valid JSON/,
  ],
  ['trainer_state.json is missing', (dir) => rmSync(join(dir, STATE)), /trainer_state\.json is missing/],
  [
    'trainer_state.json is a folder',
    (dir) => {
      rmSync(join(dir, STATE));
      mkdirSync(join(dir, STATE));
    },
    /trainer_state\.json.*(folder|directory)/i,
  ],
  [
    'global_step a string',
    editJson(STATE, (j) => ({ ...j, global_step: '2' })),
    /trainer_state\.json: global_step must be an integer from 0 to 2\^53-1, not "2"/,
  ],
  [
    'global_step negative',
    editJson(STATE, (j) => ({ ...j, global_step: -1 })),
    /global_step must be an integer from 0 to 2\^53-1, not -1/,
  ],
  [
    'global_step fractional',
    editJson(STATE, (j) => ({ ...j, global_step: 1.5 })),
    /global_step must be an integer .*, not 1\.5/,
  ],
  [
    'global_step huge',
    editJson(STATE, (j) => ({ ...j, global_step: 1e300 })),
    /global_step must be an integer from 0 to 2\^53-1, not 1e\+300/,
  ],
  [
    'epoch infinite',
    editJson(STATE, (j) => `${JSON.stringify({ ...j, epoch: 0 }).replace('"epoch":0', '"epoch":1e999')}`),
    /epoch must be a finite number >= 0, not Infinity/,
  ],
  [
    'total_flos a string',
    editJson(STATE, (j) => ({ ...j, total_flos: 'many' })),
    /total_flos must be a finite number >= 0, not "many"/,
  ],
  [
    'log_history an object',
    editJson(STATE, (j) => ({ ...j, log_history: {} })),
    /log_history must be an array, not \{\}/,
  ],
  [
    'a log entry a number',
    editJson(STATE, (j) => ({ ...j, log_history: [1] })),
    /log_history\[0\] must be an object, not 1/,
  ],
  [
    'a log entry nested 20,000 deep',
    editJson(STATE, (j) =>
      JSON.stringify({ ...j, log_history: ['DEEP'] }).replace(
        '"DEEP"',
        `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
      ),
    ),
    /trainer_state\.json nests 20002 levels deep, more than the 100 a checkpoint file may/,
  ],
  [
    'best_metric a string',
    editJson(STATE, (j) => ({ ...j, best_metric: '0.5' })),
    /best_metric must be a number or null, not "0\.5"/,
  ],
  [
    'best_model_checkpoint a number',
    editJson(STATE, (j) => ({ ...j, best_model_checkpoint: 5 })),
    /best_model_checkpoint must be a string or null, not 5/,
  ],
  [
    'model.safetensors is missing',
    (dir) => rmSync(join(dir, 'model.safetensors')),
    /model\.safetensors is missing/,
  ],
  [
    'model.safetensors truncated',
    (dir) =>
      writeFileSync(
        join(dir, 'model.safetensors'),
        readFileSync(join(dir, 'model.safetensors')).subarray(0, 100),
      ),
    /model\.safetensors/,
  ],
  [
    'a weight missing',
    editTensors('model.safetensors', (t) => t.delete('classifier.bias')),
    /model\.safetensors has no tensor "classifier\.bias"/,
  ],
  [
    'a weight of another shape',
    editTensors('model.safetensors', (t) =>
      t.set('classifier.bias', { shape: [2], data: new Float32Array(2) }),
    ),
    /"classifier\.bias" has shape \[2\], the model expects \[3\]/,
  ],
  [
    'no optimizer state (saveOnlyModel)',
    (dir) => {
      rmSync(join(dir, OPTIMIZER));
      rmSync(join(dir, MOMENTS));
    },
    /holds no optimizer state.*saveOnlyModel/,
  ],
  [
    'optimizer.safetensors is missing',
    (dir) => rmSync(join(dir, MOMENTS)),
    /optimizer\.safetensors is missing/,
  ],
  [
    'param_groups a number',
    editJson(OPTIMIZER, (j) => ({ ...j, param_groups: 5 })),
    /optimizer\.json: param_groups must be an array, not 5/,
  ],
  [
    'betas not a pair',
    editJson(OPTIMIZER, (j) => ({
      ...j,
      param_groups: (j.param_groups as object[]).map((g) => ({ ...g, betas: 'x' })),
    })),
    /paramGroups\[0\]\.betas must be two numbers in \[0, 1\), not "x"/,
  ],
  [
    'lr negative',
    editJson(OPTIMIZER, (j) => ({
      ...j,
      param_groups: (j.param_groups as object[]).map((g) => ({ ...g, lr: -1 })),
    })),
    /paramGroups\[0\]\.lr must be a finite number >= 0, not -1/,
  ],
  [
    'params not names',
    editJson(OPTIMIZER, (j) => ({
      ...j,
      param_groups: (j.param_groups as object[]).map((g) => ({ ...g, params: [1] })),
    })),
    /paramGroups\[0\]\.params must be an array of parameter names/,
  ],
  [
    'groups of other parameters',
    editJson(OPTIMIZER, (j) => ({ ...j, param_groups: (j.param_groups as object[]).slice(0, 1) })),
    /optimizer\.json and .*optimizer\.safetensors do not fit the optimizer: .*the snapshot has 1 parameter groups, the optimizer has 2/,
  ],
  [
    'a step count negative',
    editJson(OPTIMIZER, (j) => ({ ...j, steps: { ...(j.steps as object), 'classifier.bias': -1 } })),
    /steps\["classifier\.bias"\] must be an integer from 0 to 2\^53-1, not -1/,
  ],
  [
    'steps of an unknown parameter',
    editJson(OPTIMIZER, (j) => ({ ...j, steps: { ...(j.steps as object), 'no.such.weight': 2 } })),
    /optimizer\.json: steps names "no\.such\.weight", which is not a parameter of the model/,
  ],
  [
    'moments of another shape',
    editTensors(MOMENTS, (t) => t.set('exp_avg.classifier.bias', { shape: [2], data: new Float32Array(2) })),
    /do not fit the optimizer: .*moments of "classifier\.bias" have shape \[2\], the parameter has \[3\]/,
  ],
  [
    'moments missing',
    editTensors(MOMENTS, (t) => t.delete('exp_avg_sq.classifier.bias')),
    /optimizer\.safetensors: moments of "classifier\.bias" are missing/,
  ],
  ['scheduler.json is missing', (dir) => rmSync(join(dir, SCHEDULER)), /scheduler\.json is missing/],
  [
    'last_epoch a string',
    editJson(SCHEDULER, (j) => ({ ...j, last_epoch: 'x' })),
    /scheduler\.json does not fit the scheduler: .*lastEpoch must be an integer from -1 to 2\^53-1, not "x"/,
  ],
  [
    'base_lrs of another length',
    editJson(SCHEDULER, (j) => ({ ...j, base_lrs: [] })),
    /scheduler\.json does not fit the scheduler: .*baseLrs holds 0 learning rates, the optimizer has 2 parameter groups/,
  ],
  [
    'base_lrs not numbers',
    editJson(SCHEDULER, (j) => ({ ...j, base_lrs: (j.base_lrs as unknown[]).map(() => 'x') })),
    /baseLrs\[0\] must be a finite number >= 0, not "x"/,
  ],
];

describe('resuming from a damaged checkpoint', () => {
  it.each(CASES)('%s: a CheckpointError naming it, and nothing loaded', async (_what, damage, message) => {
    const dir = damaged(damage);
    const { error, untouched } = await resumeError(dir);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(dir);
    expect(untouched).toBe(true);
  });

  it('a folder that does not exist, or a file, is named as such', async () => {
    const missing = join(makeTempDir('ner-resume-nothing-'), 'checkpoint-9');
    const { error } = await resumeError(missing);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(
      /Can't find a valid checkpoint at .*checkpoint-9: no such folder/,
    );
    const file = join(makeTempDir('ner-resume-file-'), 'checkpoint-9');
    writeFileSync(file, 'x');
    const { error: fileError } = await resumeError(file);
    expect((fileError as Error).message).toMatch(
      /Can't find a valid checkpoint at .*checkpoint-9: not a folder/,
    );
  });

  it('log entries come back as written: a metric returned nested, a NaN written as null', async () => {
    const dir = damaged(
      editJson(STATE, (j) => ({
        ...j,
        log_history: [...(j.log_history as object[]), { eval_PER: { f1: 0.5 }, eval_loss: null, step: 2 }],
      })),
    );
    const trainer = new Trainer({
      model: tinyModel(123),
      args: { ...SHORT_RUN, outputDir: makeTempDir('ner-resume-logs-') },
      trainDataset: rows,
      dataCollator: collator,
    });
    await trainer.train({ resumeFromCheckpoint: dir });
    expect(trainer.state.logHistory).toContainEqual({ eval_PER: { f1: 0.5 }, eval_loss: null, step: 2 });
  });

  it('the undamaged copy resumes (the cases above fail for their damage only)', async () => {
    const trainer = new Trainer({
      model: tinyModel(123),
      args: { ...SHORT_RUN, outputDir: makeTempDir('ner-resume-ok-') },
      trainDataset: rows,
      dataCollator: collator,
    });
    const result = await trainer.train({ resumeFromCheckpoint: damaged(() => {}) });
    expect(result.globalStep).toBe(4);
    expect(trainer.state.logHistory.filter((entry) => 'loss' in entry).map((entry) => entry.step)).toEqual([
      1, 2, 3, 4,
    ]);
  });
});

describe('resuming with other seeds than the run that wrote the checkpoint', () => {
  async function warningsOf(args: { seed?: number; dataSeed?: number }): Promise<string[]> {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const trainer = new Trainer({
        model: tinyModel(123),
        args: { ...SHORT_RUN, logLevel: 'warning', outputDir: makeTempDir('ner-resume-seed-'), ...args },
        trainDataset: rows,
        dataCollator: collator,
      });
      await trainer.train({ resumeFromCheckpoint: damaged(() => {}) });
      return warn.mock.calls.map((call) => String(call[0])).filter((line) => line.startsWith('Resuming'));
    } finally {
      warn.mockRestore();
    }
  }

  it('says what differs: dropout with the seed, the data order with the data seed', async () => {
    expect(await warningsOf({})).toEqual([]);
    const [both] = await warningsOf({ seed: 43 });
    expect(both).toMatch(
      /^Resuming from .*checkpoint-2 with seed 43 where it had 42 \(dropout masks differ\), and data seed 43 where it had 42 \(the batches skipped to reach step 2 come from another order: .*\); the run does not continue the one that wrote the checkpoint\./,
    );
    const [data] = await warningsOf({ dataSeed: 7 });
    expect(data).toMatch(/with data seed 7 where it had 42 \(the batches skipped/);
    expect(data).not.toMatch(/dropout/);
  });
});
