// Issue 14, item 8: runs killed while saving left `.tmp-checkpoint-*` folders
// that resuming never removed. The next train() removes them (main process only).
import '@tensorflow/tfjs-backend-cpu';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Accelerator } from '@ner/accelerate';
import { removeOrphanTemps, Trainer, type TrainerCallback } from '../../src/index.js';
import { makeTempDir } from '../temp-dirs.js';
import {
  collator,
  SHORT_RUN,
  shortRunTrainer,
  syntheticRows,
  TINY_CONFIG,
  tinyModel,
  useCpuAndTempDirs,
} from '../tiny.js';

const here = dirname(fileURLToPath(import.meta.url));
const rows = syntheticRows(16);
const args = SHORT_RUN;

/** A pid that belongs to no process: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

/** A callback recording the global step of every optimizer step run in this process. */
function stepRecorder(): { steps: number[]; callback: TrainerCallback } {
  const steps: number[] = [];
  return { steps, callback: { onStepEnd: (_args, state) => void steps.push(state.globalStep) } };
}

const temps = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('.tmp-'));

const tempDir = () => makeTempDir('ner-orphans-');

useCpuAndTempDirs();

describe('orphan temporary checkpoint folders', () => {
  it('a run SIGKILLed while saving leaves a temporary folder; resuming removes it and keeps checkpoint-2', async () => {
    if (!existsSync(join(here, '..', '..', 'dist', 'index.js'))) {
      throw new Error(
        'This test runs the built package in a child: run `npx tsup` in packages/trainer first.',
      );
    }
    const out = tempDir();
    const config = TINY_CONFIG;
    const child = spawnSync(process.execPath, [join(here, '..', 'fixtures', 'kill-while-saving.mjs'), out], {
      env: { ...process.env, NER_KILL_FIXTURE: JSON.stringify({ config, rows, args }) },
      encoding: 'utf8',
    });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    // What the killed run left: checkpoint-2 and a half-written checkpoint-4.
    const leftovers = temps(out);
    expect(leftovers).toHaveLength(1);
    expect(leftovers[0]).toMatch(new RegExp(`^\\.tmp-checkpoint-4-${child.pid}-\\d+$`));
    expect(readdirSync(join(out, leftovers[0]!))).toContain('model.safetensors');
    const state2 = readFileSync(join(out, 'checkpoint-2', 'trainer_state.json'));

    const recorder = stepRecorder();
    const trainer = shortRunTrainer(out, rows, {}, [recorder.callback]);
    const result = await trainer.train({ resumeFromCheckpoint: true });
    expect(temps(out)).toEqual([]);
    expect(readdirSync(out).sort()).toEqual(['checkpoint-2', 'checkpoint-4']);
    expect(readFileSync(join(out, 'checkpoint-2', 'trainer_state.json'))).toEqual(state2);
    // Resumed from step 2: only steps 3 and 4 were trained here.
    expect(result.globalStep).toBe(4);
    expect(recorder.steps).toEqual([3, 4]);
  });

  it('removes folders of dead writers and of an earlier process with our pid; keeps live writers and other folders', async () => {
    const out = tempDir();
    const dead = deadPid();
    const names = {
      dead: `.tmp-checkpoint-6-${dead}-1733400000000`,
      deadOld: `.tmp-checkpoint-2-${dead}-1733400000001-old`,
      ourPid: `.tmp-checkpoint-8-${process.pid}-1733400000002`,
      live: `.tmp-checkpoint-10-${process.ppid}-1733400000003`,
      foreign: '.tmp-notes',
    };
    for (const name of [...Object.values(names), 'checkpoint-2', 'runs']) {
      mkdirSync(join(out, name));
      writeFileSync(join(out, name, 'model.safetensors'), name);
    }
    const trainer = shortRunTrainer(out, rows, { maxSteps: 1, saveStrategy: 'no' });
    await trainer.train();
    expect(readdirSync(out).sort()).toEqual([names.foreign, names.live, 'checkpoint-2', 'runs'].sort());
    // checkpoint-2 existed, so its `-old` copy was a finished replacement: the real one is untouched.
    expect(readFileSync(join(out, 'checkpoint-2', 'model.safetensors'), 'utf8')).toBe('checkpoint-2');
  });

  it('restores a checkpoint whose replacement was killed between the two renames, and resumes from it', async () => {
    const out = tempDir();
    const first = shortRunTrainer(out, rows, { maxSteps: 2 });
    await first.train();
    // The killed writer had moved the old copy aside, but not yet renamed the new one.
    const dead = deadPid();
    const filled = join(out, `.tmp-checkpoint-2-${dead}-1733400000000`);
    cpSync(join(out, 'checkpoint-2'), filled, { recursive: true });
    renameSync(join(out, 'checkpoint-2'), `${filled}-old`);
    const recorder = stepRecorder();
    const resumed = shortRunTrainer(out, rows, {}, [recorder.callback]);
    const result = await resumed.train({ resumeFromCheckpoint: true });
    expect(result.globalStep).toBe(4);
    expect(recorder.steps).toEqual([3, 4]);
    expect(readdirSync(out).sort()).toEqual(['checkpoint-2', 'checkpoint-4']);
  });

  it('only the main process cleans (another rank may be looking at a live save)', async () => {
    const out = tempDir();
    const orphan = `.tmp-checkpoint-6-${deadPid()}-1733400000000`;
    mkdirSync(join(out, orphan));
    class OtherRank extends Accelerator {
      override get isMainProcess(): boolean {
        return false;
      }
    }
    const trainer = new Trainer({
      model: tinyModel(),
      args: { ...args, outputDir: out, maxSteps: 1, saveStrategy: 'no' },
      trainDataset: rows,
      dataCollator: collator,
      accelerator: new OtherRank(),
    });
    await trainer.train();
    expect(temps(out)).toEqual([orphan]);
    expect(await removeOrphanTemps(out)).toEqual({ removed: [join(out, orphan)], restored: [] });
    expect(temps(out)).toEqual([]);
  });
});
