import { describe, expect, it } from 'vitest';
import { CheckpointError } from './errors.js';
import { TrainerState } from './trainer-state.js';

describe('TrainerState.fromJSON', () => {
  it('takes Python defaults for missing keys, and null where Python defaults to None', () => {
    const state = TrainerState.fromJSON({
      global_step: 7,
      epoch: null,
      train_batch_size: null,
      log_history: null,
    });
    expect(state.globalStep).toBe(7);
    expect(state.epoch).toBe(0);
    expect(state.trainBatchSize).toBe(0);
    expect(state.logHistory).toEqual([]);
    expect(state.loggingSteps).toBe(500);
    expect(TrainerState.fromJSON({}).globalStep).toBe(0);
  });

  it('refuses null where Python has a number, naming the source and the key', () => {
    expect(() => TrainerState.fromJSON({ global_step: null }, 'ckpt/trainer_state.json')).toThrow(
      new CheckpointError(
        'ckpt/trainer_state.json: global_step must be an integer from 0 to 2^53-1, not null',
      ),
    );
    expect(() => TrainerState.fromJSON({ total_flos: null })).toThrow(
      'trainer_state.json: total_flos must be a finite number >= 0, not null',
    );
  });

  it('round-trips what toJSONString writes', () => {
    const state = new TrainerState();
    Object.assign(state, {
      globalStep: 12,
      epoch: 1.5,
      logHistory: [{ loss: 0.25, step: 12 }],
      bestMetric: 0.9,
    });
    const back = TrainerState.fromJSON(JSON.parse(state.toJSONString()));
    expect(back.toJSONString()).toBe(state.toJSONString());
  });
});
